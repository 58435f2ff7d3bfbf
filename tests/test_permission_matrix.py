"""Every URL × every kind of visitor → the expected answer (ASVS AC1; pretix's pattern).

The guard test fails when the resolver has a URL this table lacks, so a new view cannot
ship without someone deciding who may reach it. Later apps add their rows and roles.

Expected answers: an HTTP status, or
  "login"  – 302 to the sign-in page (not signed in),
  "2fa"    – 302 to second-factor verification or enrolment (password-only session),
  "away"   – 302 somewhere else (e.g. a signed-in user sent on from a sign-in step).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.factories import UserFactory
from tests.helpers import password_only, signed_in

VISITORS = [
    "anonymous",
    "password_only",
    "caseworker",
    "manager",
    "auditor",
    "admin",
    "deactivated",
]
STAFF = ["caseworker", "manager", "auditor", "admin"]


def row(anonymous="login", password_only="2fa", deactivated="login", **by_role):
    expected = {"anonymous": anonymous, "password_only": password_only, "deactivated": deactivated}
    default = by_role.pop("staff", None)
    expected.update({role: by_role.get(role, default) for role in STAFF})
    return expected


ADMIN_ONLY = row(staff=403, admin=200)

MATRIX = {
    "healthz": row(anonymous=200, password_only=200, deactivated=200, staff=200),
    "dashboard": row(staff=200),
    "accounts:login": row(anonymous=200, deactivated=200, staff="away"),
    "accounts:logout": row(password_only=405, staff=405),
    "accounts:verify": row(password_only=200, staff="away"),
    "accounts:setup": row(password_only="away", staff="away"),
    "accounts:activate": row(anonymous=200, password_only=200, deactivated=200, staff=200),
    "accounts:password_change": row(staff=200),
    "staff:list": ADMIN_ONLY,
    "staff:create": ADMIN_ONLY,
    "staff:edit": ADMIN_ONLY,
    "staff:deactivate": ADMIN_ONLY,
    "staff:reactivate": ADMIN_ONLY,
    "staff:reset-2fa": ADMIN_ONLY,
    "staff:send-activation": ADMIN_ONLY,
}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
        elif isinstance(pattern, URLPattern):
            names.add(f"<unnamed {pattern.pattern}>")
    return names


def test_every_url_is_in_the_matrix():
    assert all_url_names() == set(MATRIX), "add the new URL to MATRIX with its expected answers"


@pytest.fixture
def target(db):
    return UserFactory(full_name="Target Person")


def url_for(name, target):
    if name == "accounts:activate":
        return reverse(name, args=["MQ", "bogus-token"])
    if name.startswith("staff:") and name not in ("staff:list", "staff:create"):
        return reverse(name, args=[target.pk])
    return reverse(name)


def client_as(visitor, client, users):
    if visitor == "anonymous":
        return client
    if visitor == "password_only":
        return password_only(client, users["caseworker"])
    if visitor == "deactivated":
        user = UserFactory(roles=[Role.CASEWORKER])
        signed_in(client, user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        return client
    return signed_in(client, users[visitor])


@pytest.fixture
def users(lead, manager, auditor, admin):
    return {"caseworker": lead, "manager": manager, "auditor": auditor, "admin": admin}


def check(response, expected):
    if expected == "login":
        assert response.status_code == 302, response
        assert response.url.startswith(reverse("accounts:login"))
    elif expected == "2fa":
        assert response.status_code == 302, response
        assert response.url in (reverse("accounts:verify"), reverse("accounts:setup"))
    elif expected == "away":
        assert response.status_code == 302, response
    else:
        assert response.status_code == expected, response


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, users, target, name, visitor):
    client = client_as(visitor, client, users)
    response = client.get(url_for(name, target))
    check(response, MATRIX[name][visitor])
    assert "no-store" in response.get("Cache-Control", "")
