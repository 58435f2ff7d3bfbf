"""Writes about staff accounts and their second factor.

Only system administrators reach the staff_* services (the views check the role); the
otp_* services act on the signed-in user's own devices.
"""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

logger = logging.getLogger("harbour.accounts")

BACKUP_CODE_COUNT = 10


def activation_path(user: User) -> str:
    """A one-time path where the user sets their password. It stops working once used
    (the token hashes the password) or after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:activate", args=[uid, token])


def staff_send_activation(*, acting_user: User | None, user: User, base_url: str) -> None:
    """Email the person their activation link. The administrator never sees the link, so
    they cannot set the person's password themselves."""
    link = base_url.rstrip("/") + activation_path(user)
    send_mail(
        subject="Your Harbour account",
        message=(
            f"Hello {user.full_name},\n\n"
            "Use this link to set your Harbour password. It works once and expires in "
            f"{settings.PASSWORD_RESET_TIMEOUT // 3600} hours:\n\n{link}\n\n"
            "After setting your password you will be asked to set up an authenticator app.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    logger.info(
        "activation link sent to user %s by user %s", user.pk, getattr(acting_user, "pk", None)
    )


@transaction.atomic
def staff_create(*, acting_user: User, form, base_url: str) -> User:
    user = form.save(commit=False)
    user.set_unusable_password()
    user.save()
    user.groups.set(form.role_groups())
    staff_send_activation(acting_user=acting_user, user=user, base_url=base_url)
    logger.info("user %s created by user %s", user.pk, acting_user.pk)
    return user


@transaction.atomic
def staff_update(*, acting_user: User, form) -> User:
    user = form.save()
    user.groups.set(form.role_groups())
    logger.info("user %s updated by user %s", user.pk, acting_user.pk)
    return user


@transaction.atomic
def staff_set_active(*, acting_user: User, user: User, active: bool) -> None:
    """Deactivate or reactivate. Nobody is ever deleted: the audit trail refers to them.
    A deactivated user's sessions stop working at their next request, because the
    authentication backend refuses inactive users."""
    if user.pk == acting_user.pk and not active:
        raise ValueError("You cannot deactivate your own account.")
    user.is_active = active
    user.deactivated_at = None if active else timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    logger.info(
        "user %s %s by user %s", user.pk, "reactivated" if active else "deactivated", acting_user.pk
    )


@transaction.atomic
def staff_reset_2fa(*, acting_user: User, user: User) -> None:
    """Remove every second-factor device; the person enrols a new one at their next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("2FA reset for user %s by user %s", user.pk, acting_user.pk)


def otp_pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def otp_confirm_enrolment(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator and issue fresh one-time backup codes (returned once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    logger.info("2FA enrolled for user %s", user.pk)
    return codes
