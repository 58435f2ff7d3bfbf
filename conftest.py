"""The test cast (STYLE.md §12) and helpers to sign them in.

lead and colleague share a team; outsider is from another agency. Everyone has a
confirmed authenticator; tests.helpers `signed_in(client, user)` gives a fully (password + OTP) signed-in
client, `password_only(client, user)` one that has not passed the second factor.
"""

import pytest

from accounts.models import Role
from tests.factories import AgencyFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def home_team(db):
    return TeamFactory(name="IDVA team", agency=AgencyFactory(name="Home Agency (fictional)"))


@pytest.fixture
def lead(home_team):
    return UserFactory(team=home_team, full_name="Lena Lead", roles=[Role.CASEWORKER])


@pytest.fixture
def colleague(home_team):
    return UserFactory(team=home_team, full_name="Colin Colleague", roles=[Role.CASEWORKER])


@pytest.fixture
def outsider(db):
    team = TeamFactory(name="Elsewhere", agency=AgencyFactory(name="Other Agency (fictional)"))
    return UserFactory(team=team, full_name="Olive Outsider", roles=[Role.CASEWORKER])


@pytest.fixture
def manager(home_team):
    return UserFactory(team=home_team, full_name="Mina Manager", roles=[Role.MANAGER])


@pytest.fixture
def auditor(home_team):
    return UserFactory(team=home_team, full_name="Audrey Auditor", roles=[Role.AUDITOR])


@pytest.fixture
def admin(home_team):
    return UserFactory(team=home_team, full_name="Adam Admin", roles=[Role.SYSTEM_ADMIN])
