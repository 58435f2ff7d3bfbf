import re
import time
from base64 import b32encode

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts import demo
from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_users(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def sign_in_with_password(page, email, password):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def current_code(email):
    django_settings.DEBUG = True
    try:
        return demo.current_code(User.objects.get(email=email))
    finally:
        django_settings.DEBUG = False


def test_demo_user_signs_in_with_password_and_totp(page, demo_users):
    email = demo.demo_email("caseworker")
    sign_in_with_password(page, email, demo.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(current_code(email))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Casey")).to_be_visible()
    expect(page.get_by_test_id("user-box")).to_contain_text("Riverside IDVA Service (demo)")
    expect(page.get_by_test_id("user-box")).to_contain_text("Caseworker / IDVA")
    expect(page.get_by_role("note", name="Protective marking")).to_have_text("OFFICIAL-SENSITIVE")


def test_wrong_code_is_refused_with_a_clear_message(page, demo_users):
    email = demo.demo_email("manager")
    sign_in_with_password(page, email, demo.DEMO_PASSWORD)
    right = current_code(email)
    page.get_by_role("textbox", name="Code").fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    expect(page.get_by_role("textbox", name="Code")).to_have_attribute("aria-invalid", "true")
    assert "/accounts/2fa/" in page.url
    time.sleep(1.2)  # django-otp's throttle after a failure
    page.get_by_role("textbox", name="Code").fill(current_code(email))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Welcome, Morgan")).to_be_visible()


def test_wrong_password_is_refused_and_the_email_is_kept(page, demo_users):
    sign_in_with_password(page, demo.demo_email("chair"), "not-the-password")
    expect(page.get_by_text("The email address or password is not right")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value(demo.demo_email("chair"))


def test_first_sign_in_enrols_an_authenticator(page, db):
    from tests.factories import TEST_PASSWORD, UserFactory

    user = UserFactory(device=False, full_name="Freya Firsttime")
    sign_in_with_password(page, user.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The key a person types by hand is the authenticator's real secret.
    assert secret == b32encode(device.bin_key).decode().rstrip("=")
    from tests.factories import totp_code

    page.get_by_role("textbox", name="Code").fill(totp_code(user))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name=re.compile("continue")).click()
    expect(page.get_by_role("heading", name="Welcome, Freya")).to_be_visible()
    device.refresh_from_db()
    assert device.confirmed


def test_keyboard_user_can_skip_to_content(page, db):
    page.goto("/accounts/activate/MQ/not-a-token/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
