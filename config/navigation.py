"""The navigation, by role: one list that the top bar and the dashboard both read."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import Role


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    icon: str
    description: str
    roles: tuple[str, ...]  # empty: everyone signed in

    @property
    def url(self) -> str:
        return reverse(self.url_name)


CASE_WORK = (
    Role.CASEWORKER,
    Role.DART_OFFICER,
    Role.MARAC_COORDINATOR,
    Role.MARAC_CHAIR,
    Role.AGENCY_REP,
    Role.MANAGER,
)

SECTIONS = [
    Section("Dashboard", "dashboard", "house", "Your work at a glance.", ()),
    Section(
        "Cases",
        "cases:list",
        "folder2-open",
        "The cases you are named on: search, open a new case.",
        (*CASE_WORK, Role.SYSTEM_ADMIN),
    ),
    Section(
        "Team allocation",
        "cases:allocation",
        "diagram-3",
        "Your team's cases and who leads them; give or remove access.",
        (Role.MANAGER,),
    ),
    Section(
        "Emergency access",
        "cases:break_glass",
        "exclamation-octagon",
        "Break-glass access to a case in an emergency (recorded and reviewed).",
        CASE_WORK,
    ),
    Section(
        "Audit",
        "audit:events",
        "shield-check",
        "Who saw and did what: search, flagged events to sign off, CSV export, retention.",
        (Role.MANAGER, Role.AUDITOR),
    ),
    Section(
        "Staff",
        "staff:list",
        "people",
        "Add staff, assign agencies, teams and roles, deactivate accounts and reset 2FA.",
        (Role.SYSTEM_ADMIN,),
    ),
]


def sections_for(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    return [s for s in SECTIONS if not s.roles or user.has_role(*s.roles)]
