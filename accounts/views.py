import logging
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from accounts import services
from accounts.forms import EnrolForm, LoginForm, OTPCodeForm, StaffFilterForm, StaffForm
from accounts.middleware import mark_session_start
from accounts.models import Role, User

logger = logging.getLogger("harbour.accounts")

NEXT_KEY = "harbour_next"
OTP_FAILURES_KEY = "harbour_otp_failures"


class LoginView(auth_views.LoginView):
    """Step one: email and password (axes counts failures per username+IP)."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        next_url = self.get_redirect_url()
        response = super().form_valid(form)  # login() gives the session a new key
        mark_session_start(self.request)
        if next_url:
            self.request.session[NEXT_KEY] = next_url
        return response

    def get_success_url(self):
        return reverse("accounts:verify")


def _after_2fa(request):
    next_url = request.session.pop(NEXT_KEY, None)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(settings.LOGIN_REDIRECT_URL)


def _complete_2fa(request, device):
    otp_login(request, device)
    request.session.cycle_key()  # a fresh session id once fully signed in
    request.session.pop(OTP_FAILURES_KEY, None)
    logger.info("2FA verified for user %s", request.user.pk)


def _wrong_code_message(devices) -> str:
    # django-otp slows repeated failures down (1 s, 2 s, 4 s…); say so rather than let a
    # right code typed too soon look wrong.
    if any(not d.verify_is_allowed()[0] for d in devices):
        return "That code is not right. Wait for the next code from your app, then try again."
    return "That code is not right. Check your authenticator app and try again."


@require_http_methods(["GET", "POST"])
def verify(request):
    """Step two: a TOTP code (or a backup code) from one of the user's devices."""
    if request.user.is_verified():
        return _after_2fa(request)
    if not user_has_device(request.user):
        return redirect("accounts:setup")
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(devices_for_user(request.user, for_verify=True))
        device = next((d for d in devices if d.verify_token(form.cleaned_data["code"])), None)
        if device is not None:
            _complete_2fa(request, device)
            return _after_2fa(request)
        failures = request.session.get(OTP_FAILURES_KEY, 0) + 1
        logger.warning("2FA code refused for user %s (attempt %s)", request.user.pk, failures)
        if failures >= settings.OTP_MAX_FAILURES:
            auth_logout(request)
            messages.error(request, "Too many wrong codes. Please sign in again.")
            return redirect(settings.LOGIN_URL)
        request.session[OTP_FAILURES_KEY] = failures
        form.add_error("code", _wrong_code_message(devices))
    return render(request, "accounts/verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def setup(request):
    """First login: enrol an authenticator app, then show one-time backup codes.

    Refused once the user has a confirmed device, so a stolen password alone can never
    enrol a new authenticator.
    """
    if user_has_device(request.user):
        return redirect("accounts:verify")
    device = services.otp_pending_device(user=request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.otp_confirm_enrolment(user=request.user, device=device)
            _complete_2fa(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        form.add_error("code", _wrong_code_message([device]))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


class LogoutView(auth_views.LogoutView):
    """POST only; ends the session on the server and tells the browser to forget it."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        messages.info(request, "You have signed out.")
        return response


class ActivateView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/activate.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, "Your password is set. Sign in to continue.")
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


# --- Staff management (system administrators only) -------------------------------------


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


admin_only = role_required(Role.SYSTEM_ADMIN)


@admin_only
def staff_list(request):
    filters = StaffFilterForm(request.GET or {"status": "active"})
    queryset = filters.filter(
        User.objects.select_related("agency", "team").prefetch_related("groups")
    )
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"filters": filters, "page": page})


@admin_only
@require_http_methods(["GET", "POST"])
def staff_create(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.staff_create(
            acting_user=request.user, form=form, base_url=request.build_absolute_uri("/")
        )
        messages.success(
            request, f"{user.full_name} was added. An activation link was emailed to {user.email}."
        )
        return redirect("staff:list")
    return render(
        request, "accounts/staff_form.html", {"form": form, "title": "Add a member of staff"}
    )


@admin_only
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = StaffForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.staff_update(acting_user=request.user, form=form)
        messages.success(request, f"{user.full_name} was updated.")
        return redirect("staff:list")
    return render(
        request,
        "accounts/staff_form.html",
        {"form": form, "title": f"Edit {user.full_name}", "person": user},
    )


STAFF_ACTIONS = {
    "deactivate": (
        "Deactivate",
        "They will be signed out at their next request and cannot sign in again. Their "
        "records and audit history stay.",
    ),
    "reactivate": ("Reactivate", "They will be able to sign in again."),
    "reset-2fa": (
        "Reset two-factor authentication",
        "Their authenticator app and backup codes stop working. They set up a new "
        "authenticator at their next sign-in.",
    ),
    "send-activation": (
        "Send a new activation link",
        "An email with a one-time link to set a new password goes to their address. Their "
        "current password keeps working until they use it.",
    ),
}


@admin_only
@require_http_methods(["GET", "POST"])
def staff_action(request, pk, action):
    """Every change to an account's standing asks for confirmation first."""
    user = get_object_or_404(User, pk=pk)
    if action not in STAFF_ACTIONS:
        raise PermissionDenied
    label, explanation = STAFF_ACTIONS[action]
    if request.method == "POST":
        try:
            if action in ("deactivate", "reactivate"):
                services.staff_set_active(
                    acting_user=request.user, user=user, active=action == "reactivate"
                )
            elif action == "reset-2fa":
                services.staff_reset_2fa(acting_user=request.user, user=user)
            else:
                services.staff_send_activation(
                    acting_user=request.user, user=user, base_url=request.build_absolute_uri("/")
                )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{label}: done for {user.full_name}.")
        return redirect("staff:list")
    return render(
        request,
        "accounts/staff_confirm.html",
        {"person": user, "label": label, "explanation": explanation},
    )
