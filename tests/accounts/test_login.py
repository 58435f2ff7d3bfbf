import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from tests.factories import TEST_PASSWORD, UserFactory, totp_code
from tests.helpers import signed_in

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
SETUP = reverse("accounts:setup")
DASHBOARD = reverse("dashboard")


def sign_in_with_password(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": user.email, "password": password})


def test_password_then_totp_reaches_the_dashboard(client, lead):
    response = sign_in_with_password(client, lead)
    assert response.status_code == 302 and response.url == VERIFY

    response = client.post(VERIFY, {"code": totp_code(lead)})
    assert response.status_code == 302 and response.url == DASHBOARD
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert "Lena Lead" in page.content.decode()


def test_email_is_matched_without_regard_to_case(client, lead):
    response = client.post(LOGIN, {"username": lead.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == VERIFY


def test_wrong_code_is_refused_with_a_clear_message(client, lead):
    sign_in_with_password(client, lead)
    response = client.post(VERIFY, {"code": "000000" if totp_code(lead) != "000000" else "111111"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(DASHBOARD).url == VERIFY


def test_a_code_cannot_be_used_twice(client, lead):
    code = totp_code(lead)
    sign_in_with_password(client, lead)
    assert client.post(VERIFY, {"code": code}).url == DASHBOARD
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, lead)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "not right" in response.content.decode()


def test_five_wrong_codes_end_the_session(client, lead, settings):
    sign_in_with_password(client, lead)
    for _ in range(settings.OTP_MAX_FAILURES - 1):
        TOTPDevice.objects.filter(user=lead).update(throttling_failure_count=0)
        assert client.post(VERIFY, {"code": "12345x"}).status_code == 200
    response = client.post(VERIFY, {"code": "12345x"})
    assert response.url == reverse("accounts:login")
    assert SESSION_KEY not in client.session


def test_session_key_changes_at_login_and_at_second_factor(client, lead):
    client.get(LOGIN)
    sign_in_with_password(client, lead)
    after_password = client.session.session_key
    client.post(VERIFY, {"code": totp_code(lead)})
    after_otp = client.session.session_key
    assert after_password and after_otp and after_password != after_otp


def test_next_is_honoured_after_both_factors(client, lead):
    client.post(
        LOGIN + "?next=/accounts/password/",
        {"username": lead.email, "password": TEST_PASSWORD, "next": "/accounts/password/"},
    )
    assert client.post(VERIFY, {"code": totp_code(lead)}).url == "/accounts/password/"


def test_next_to_another_site_is_ignored(client, lead):
    client.post(
        LOGIN, {"username": lead.email, "password": TEST_PASSWORD, "next": "https://evil.example/"}
    )
    assert client.post(VERIFY, {"code": totp_code(lead)}).url == DASHBOARD


def test_first_login_enrols_an_authenticator_and_shows_backup_codes(client, db):
    user = UserFactory(device=False, roles=[Role.CASEWORKER])
    response = sign_in_with_password(client, user)
    assert client.get(response.url).url == SETUP

    page = client.get(SETUP)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "otp-secret" in body
    pending = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(SETUP, {"code": "000000" if totp_code(user) != "000000" else "111111"})
    assert "not right" in wrong.content.decode()
    pending.throttle_reset()  # the throttle after a wrong code lasts a second

    done = client.post(SETUP, {"code": totp_code(user, offset_steps=0)})
    assert done.status_code == 200
    codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    pending.refresh_from_db()
    assert pending.confirmed
    assert client.get(DASHBOARD).status_code == 200


def test_setup_is_refused_once_an_authenticator_exists(client, lead):
    sign_in_with_password(client, lead)
    response = client.get(SETUP)
    assert response.url == VERIFY
    client.post(SETUP, {"code": "123456"})
    assert TOTPDevice.objects.filter(user=lead).count() == 1


def test_backup_code_works_once(client, db):
    user = UserFactory(roles=[Role.CASEWORKER])
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="Backup codes")
    device.token_set.create(token="abcd2345")
    sign_in_with_password(client, user)
    assert client.post(VERIFY, {"code": "abcd2345"}).url == DASHBOARD
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, user)
    assert client.post(VERIFY, {"code": "abcd2345"}).status_code == 200


def test_logout_ends_the_session_on_the_server(client, lead):
    sign_in_with_password(client, lead)
    client.post(VERIFY, {"code": totp_code(lead)})
    old_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "cache" in response["Clear-Site-Data"]
    assert not Session.objects.filter(session_key=old_key).exists()
    client.cookies["sessionid"] = old_key
    assert client.get(DASHBOARD).url.startswith(LOGIN)


def test_deactivated_user_is_signed_out_at_the_next_request(client, lead):
    sign_in_with_password(client, lead)
    client.post(VERIFY, {"code": totp_code(lead)})
    User.objects.filter(pk=lead.pk).update(is_active=False)
    assert client.get(DASHBOARD).url.startswith(LOGIN)


def test_deactivated_user_cannot_sign_in(client, lead):
    User.objects.filter(pk=lead.pk).update(is_active=False)
    response = sign_in_with_password(client, lead)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_passwords_are_hashed_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory()
    user.set_password("a-long-enough-passphrase")
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize(
    "password,message",
    [
        ("short-pass1", "at least 12 characters"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
    ],
)
def test_password_rules(client, lead, password, message):
    signed_in(client, lead)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_password_change_keeps_the_user_signed_in(client, lead):
    signed_in(client, lead)
    new = "a-new-long-passphrase-2026"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.url == DASHBOARD
    lead.refresh_from_db()
    assert lead.check_password(new)
    assert client.get(DASHBOARD).status_code == 200
