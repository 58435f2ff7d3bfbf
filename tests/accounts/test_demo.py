import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo
from accounts.models import Role, User


def test_seed_demo_creates_one_user_per_role_and_is_repeatable(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    users = User.objects.filter(email__endswith="@harbour.example")
    assert users.count() == len(Role)
    assert {name for u in users for name in u.role_names} == set(Role.values)
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in users)


def test_demo_otp_prints_a_code_that_the_device_accepts(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    capsys.readouterr()
    call_command("demo_otp", "manager@harbour.example")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__email="manager@harbour.example")
    assert len(code) == 6 and device.verify_token(code)


def test_demo_otp_refuses_real_accounts(db, settings, lead):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="only for demo users"):
        call_command("demo_otp", lead.email)


def test_demo_commands_refuse_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only in development"):
        call_command("seed_demo")
    with pytest.raises(CommandError, match="only in development"):
        call_command("demo_otp")
