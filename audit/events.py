"""Writing access events: one INSERT per request, nothing sensitive in it."""

from audit.models import AccessEvent


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record_view(request, case, *, kind: str, object_id=None, action: str = "view", access=None):
    """Record that request.user saw `kind` data of `case`. Call once per request."""
    AccessEvent.objects.create(
        user=request.user,
        case_id=case.pk,
        object_kind=kind,
        object_id=object_id,
        action=action,
        outcome=AccessEvent.Outcome.ALLOWED,
        break_glass=bool(access and access.break_glass),
        ip_address=_ip(request),
    )


def record_denied(request, *, case_id, kind: str):
    """Note a refused attempt. It is written by the 404 handler (write_denied), after the
    request's transaction has rolled back, so the 404 itself cannot erase it."""
    if request.user.is_authenticated:
        request.harbour_denied = (case_id, kind)


def write_denied(request) -> None:
    denied = getattr(request, "harbour_denied", None)
    if denied is None:
        return
    case_id, kind = denied
    AccessEvent.objects.create(
        user=request.user,
        case_id=case_id if isinstance(case_id, int) else None,
        object_kind=kind,
        action="attempt",
        outcome=AccessEvent.Outcome.DENIED,
        ip_address=_ip(request),
    )
    request.harbour_denied = None
