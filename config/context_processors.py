from django.conf import settings

from config.navigation import sections_for


def harbour(request):
    user = getattr(request, "user", None)
    verified = bool(user and user.is_authenticated and user.is_verified())

    def unread():
        # A callable: templates call it, so only full pages (not htmx fragments) count.
        from cases.models import Notification

        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {
        "unread_notifications": unread if verified else 0,
        "PROTECTIVE_MARKING": settings.PROTECTIVE_MARKING,
        # A password-only session sees no navigation: it can only finish signing in.
        "nav_sections": sections_for(user) if verified else [],
        "fully_signed_in": verified,
    }
