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


SECTIONS = [
    Section("Dashboard", "dashboard", "house", "Your work at a glance.", ()),
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
