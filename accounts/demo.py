"""Fictional demo data for development. Everything here refuses to run with DEBUG off."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Agency, Role, Team, User

DEMO_PASSWORD = "harbour-demo-pass"
DEMO_DOMAIN = "harbour.example"

AGENCIES = [
    ("Riverside IDVA Service (demo)", Agency.Kind.IDVA, ["IDVA team", "Management"]),
    ("Northshire Police (demo)", Agency.Kind.POLICE, ["DART", "MARAC unit"]),
    ("Harbourtown Children's Services (demo)", Agency.Kind.CHILDRENS_SOCIAL_CARE, ["Safeguarding"]),
]

# email local part, full name, job title, agency index, team, role
PEOPLE = [
    ("caseworker", "Casey Demo-Worker", "IDVA", 0, "IDVA team", Role.CASEWORKER),
    ("dart", "Dana Demo-Dart", "DART officer", 1, "DART", Role.DART_OFFICER),
    (
        "coordinator",
        "Cory Demo-Coordinator",
        "MARAC coordinator",
        1,
        "MARAC unit",
        Role.MARAC_COORDINATOR,
    ),
    ("chair", "Charlie Demo-Chair", "MARAC chair", 1, "MARAC unit", Role.MARAC_CHAIR),
    ("rep", "Robin Demo-Rep", "Social worker", 2, "Safeguarding", Role.AGENCY_REP),
    # The manager manages the IDVA team's cases (cases.access.may_manage: same team).
    ("manager", "Morgan Demo-Manager", "IDVA service manager", 0, "IDVA team", Role.MANAGER),
    ("auditor", "Avery Demo-Auditor", "Information governance", 0, "Management", Role.AUDITOR),
    ("admin", "Ashley Demo-Admin", "System administrator", 0, "Management", Role.SYSTEM_ADMIN),
]


def require_debug() -> None:
    if not settings.DEBUG:
        raise CommandError("Demo data exists only in development (DEBUG on).")


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def seed_people() -> list[User]:
    require_debug()
    agencies = []
    for name, kind, teams in AGENCIES:
        agency, _ = Agency.objects.get_or_create(name=name, defaults={"kind": kind})
        for team in teams:
            Team.objects.get_or_create(agency=agency, name=team)
        agencies.append(agency)
    users = []
    for local, full_name, job, agency_index, team, role in PEOPLE:
        agency = agencies[agency_index]
        user, created = User.objects.get_or_create(
            email=demo_email(local),
            defaults={
                "full_name": full_name,
                "job_title": job,
                "agency": agency,
                "team": Team.objects.get(agency=agency, name=team),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        users.append(user)
    return users


def current_code(user: User) -> str:
    require_debug()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise CommandError(f"{user.email} has no authenticator yet: sign in to enrol one.")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)
