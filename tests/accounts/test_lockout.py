"""django-axes: 5 failures for one username+IP lock that pair for 15 minutes."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")


def attempt(client, email, password, ip="203.0.113.10"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client, email, ip="203.0.113.10"):
    for _ in range(5):
        response = attempt(client, email, "not-the-password", ip)
    return response


def test_five_failures_lock_the_username_and_ip(client, lead):
    last = fail_five_times(client, lead.email)
    assert last.status_code == 429
    response = attempt(client, lead.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, lead):
    for _ in range(4):
        assert attempt(client, lead.email, "wrong-password-here").status_code == 200
    assert attempt(client, lead.email, TEST_PASSWORD).status_code == 302


def test_lock_ignores_the_case_of_the_email(client, lead):
    for variant in [lead.email, lead.email.upper(), lead.email.title(), lead.email, lead.email]:
        attempt(client, variant, "not-the-password")
    assert attempt(client, lead.email.upper(), TEST_PASSWORD).status_code == 429


def test_another_ip_is_not_locked(client, lead):
    fail_five_times(client, lead.email, ip="203.0.113.10")
    assert attempt(client, lead.email, TEST_PASSWORD, ip="198.51.100.7").status_code == 302


def test_another_user_on_the_same_ip_is_not_locked(client, lead, colleague):
    fail_five_times(client, lead.email)
    assert attempt(client, colleague.email, TEST_PASSWORD).status_code == 302


def test_still_locked_at_14_minutes(client, lead):
    fail_five_times(client, lead.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert attempt(client, lead.email, TEST_PASSWORD).status_code == 429


def test_lock_lifts_after_the_cool_off(client, lead):
    fail_five_times(client, lead.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = attempt(client, lead.email, TEST_PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("accounts:verify")
