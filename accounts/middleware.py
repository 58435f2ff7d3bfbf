"""Session and second-factor guards that sit in front of every view."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django_otp import user_has_device

SESSION_STARTED_KEY = "harbour_auth_started_at"

# The only views a password-only (not yet OTP-verified) session may reach.
PRE_2FA_VIEWS = {"accounts:verify", "accounts:setup", "accounts:logout"}


def mark_session_start(request) -> None:
    request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()


class SessionLimitsMiddleware:
    """Ends a session 12 hours (SESSION_ABSOLUTE_LIMIT) after login, however active it is.

    The idle limit is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                mark_session_start(request)
            elif timezone.now() - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_LIMIT:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class Require2FAMiddleware:
    """Keeps a password-only session away from every page but enrolment, verification and
    logout. No package enforces 2FA for every account, so this does (stack-notes §8)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None  # a public page (login, activation, health check)
        if request.resolver_match.view_name in PRE_2FA_VIEWS:
            return None
        target = "accounts:verify" if user_has_device(user) else "accounts:setup"
        return redirect(target)


class NoStoreMiddleware:
    """No page of Harbour may be kept by a browser or proxy cache (ASVS 14.3.2).

    Static files are served before this middleware runs and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        return response
