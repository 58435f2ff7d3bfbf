"""Sessions: 15 minutes idle, 12 hours absolute."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, totp_code

DASHBOARD = reverse("dashboard")


def sign_in(client, user):
    client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert client.post(reverse("accounts:verify"), {"code": totp_code(user)}).url == DASHBOARD


def test_idle_session_expires_after_15_minutes(client, lead):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, lead)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.get(DASHBOARD).status_code == 200
    # Activity at 14 minutes moved the deadline on; 16 minutes after *that* it is gone.
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        response = client.get(DASHBOARD)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_active_session_ends_after_12_hours(client, lead):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, lead)
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=10)
        with time_machine.travel(moment, tick=False):
            assert client.get(DASHBOARD).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get(DASHBOARD)
        assert response.status_code == 302
        assert response.url == reverse("accounts:login")
    assert client.get(DASHBOARD).url.startswith(reverse("accounts:login"))
