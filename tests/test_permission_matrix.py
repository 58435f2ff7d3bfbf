"""Every URL × every kind of visitor → the expected answer (ASVS AC1; pretix's pattern).

The guard test fails when the resolver has a URL this table lacks, so a new view cannot
ship without someone deciding who may reach it.

Visitors: the STYLE.md cast on one case (see conftest.py `case`): its lead; a colleague
in the same team not named; an outsider from another agency; a perpetrator-side worker;
the team's manager (not named); an auditor; a system administrator; a user named but
excluded; a user in by break-glass; plus anonymous, password-only and deactivated.

Expected answers: an HTTP status, or
  "login"  – 302 to the sign-in page (not signed in),
  "2fa"    – 302 to second-factor verification or enrolment (password-only session),
  "away"   – 302 somewhere else (e.g. a signed-in user sent on from a sign-in step).
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.factories import UserFactory
from tests.helpers import password_only, signed_in

STAFF = [
    "lead",
    "colleague",
    "outsider",
    "perp_worker",
    "manager",
    "auditor",
    "admin",
    "excluded",
    "break_glass",
]
VISITORS = ["anonymous", "password_only", "deactivated", *STAFF]
CASE_WORKERS = [
    "lead",
    "colleague",
    "outsider",
    "perp_worker",
    "manager",
    "excluded",
    "break_glass",
]


def row(anonymous="login", password_only="2fa", deactivated="login", staff=None, **by_role):
    expected = {"anonymous": anonymous, "password_only": password_only, "deactivated": deactivated}
    expected.update({role: by_role.get(role, staff) for role in STAFF})
    return expected


ADMIN_ONLY = row(staff=403, admin=200)
CASE_WORK_ONLY = row(staff=403, **dict.fromkeys(CASE_WORKERS, 200))
# Case content: the named (lead, perpetrator side) and break-glass; 404 for everyone else.
READ_CASE = row(staff=404, lead=200, perp_worker=200, break_glass=200)
CHANGE_CASE = READ_CASE
# The survivor's confidential details: never the perpetrator side.
CONFIDENTIAL = row(staff=404, lead=200, break_glass=200)
# Who can see the case: the lead and the team's manager (who sees no content through it).
MANAGE = row(staff=404, lead=200, manager=200)
# Audit review: managers and auditors only.
REVIEWERS = row(staff=403, manager=200, auditor=200)

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
    "cases:list": row(staff=200),
    "cases:create": CASE_WORK_ONLY,
    "cases:allocation": row(staff=403, manager=200),
    "cases:break_glass": CASE_WORK_ONLY,
    "cases:notifications": row(staff=200),
    "cases:notifications_read": row(staff=405),
    "cases:detail": READ_CASE,
    "cases:edit": CHANGE_CASE,
    "cases:close": CHANGE_CASE,
    "cases:person_add": CHANGE_CASE,
    "cases:person_edit": CHANGE_CASE,
    "cases:warning_add": CHANGE_CASE,
    "cases:warning_remove": CHANGE_CASE,
    "cases:disclosure_add": CONFIDENTIAL,
    "cases:disclosure_edit": CONFIDENTIAL,
    "cases:safe_contact": CONFIDENTIAL,
    "cases:chronology": CONFIDENTIAL,
    "cases:chronology_add": CONFIDENTIAL,
    "cases:task_add": CHANGE_CASE,
    "cases:task_edit": CHANGE_CASE,
    "cases:task_done": row(staff=405),
    "cases:access": MANAGE,
    "cases:access_grant": MANAGE,
    "cases:access_exclude": MANAGE,
    "cases:access_revoke": MANAGE,
    "cases:access_lift_exclusion": MANAGE,
    "risk:overview": READ_CASE,
    "risk:start": CONFIDENTIAL,  # the DASH; the perpetrator assessment is tested separately
    "risk:assessment": CONFIDENTIAL,
    "risk:autosave": row(staff=405),
    "risk:correct": CONFIDENTIAL,
    "risk:stage2": CONFIDENTIAL,
    "risk:stage2_step": CONFIDENTIAL,
    "risk:plan_start": row(staff=405),
    "risk:plan": CONFIDENTIAL,
    "risk:plan_revise": CONFIDENTIAL,
    "risk:plan_pdf": CONFIDENTIAL,
    "records:decisions": CONFIDENTIAL,
    "records:decision_add": CONFIDENTIAL,
    "records:decision_correct": CONFIDENTIAL,
    "records:sharing": CONFIDENTIAL,
    "records:sharing_add": CONFIDENTIAL,
    "audit:events": REVIEWERS,
    "audit:export": REVIEWERS,
    "audit:queue": REVIEWERS,
    "audit:flag": REVIEWERS,
    "audit:retention": REVIEWERS,
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


def url_for(name, world):
    case = world["case"] if world else None
    special = {
        "accounts:activate": lambda: reverse(name, args=["MQ", "bogus-token"]),
        "cases:person_edit": lambda: reverse(name, args=[case.pk, world["perpetrator"].pk]),
        "cases:warning_add": lambda: reverse(name, args=[case.pk, world["perpetrator"].pk]),
        "cases:warning_remove": lambda: reverse(name, args=[case.pk, world["warning"].pk]),
        "cases:disclosure_edit": lambda: reverse(name, args=[case.pk, world["disclosure"].pk]),
        "cases:task_edit": lambda: reverse(name, args=[case.pk, world["task"].pk]),
        "cases:task_done": lambda: reverse(name, args=[case.pk, world["task"].pk]),
        "cases:access_revoke": lambda: reverse(
            name, args=[case.pk, world["users"]["perp_worker"].pk]
        ),
        "cases:access_lift_exclusion": lambda: reverse(
            name, args=[case.pk, world["users"]["excluded"].pk]
        ),
        "risk:start": lambda: reverse(name, args=[case.pk, "dash_ric"]),
        "risk:assessment": lambda: reverse(name, args=[case.pk, world["dash"].pk]),
        "risk:autosave": lambda: reverse(name, args=[case.pk, world["dash"].pk]),
        "risk:correct": lambda: reverse(name, args=[case.pk, world["dash"].pk]),
        "risk:stage2_step": lambda: reverse(name, args=[case.pk, world["step"].pk]),
        "risk:plan": lambda: reverse(name, args=[case.pk, world["plan"].pk]),
        "risk:plan_revise": lambda: reverse(name, args=[case.pk, world["plan"].pk]),
        "risk:plan_pdf": lambda: reverse(name, args=[case.pk, world["plan"].pk]),
        "records:decision_correct": lambda: reverse(name, args=[case.pk, world["decision"].pk]),
        "audit:flag": lambda: reverse(name, args=[world["flag"].pk]),
    }
    if name in special:
        return special[name]()
    if name.startswith("staff:") and name not in ("staff:list", "staff:create"):
        return reverse(name, args=[world["users"]["lead"].pk])
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(name, args=[case.pk])


def client_as(visitor, client, world):
    if visitor == "anonymous":
        return client
    if visitor == "password_only":
        return password_only(client, world["users"]["lead"])
    if visitor == "deactivated":
        user = UserFactory(roles=[Role.CASEWORKER])
        signed_in(client, user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        return client
    return signed_in(client, world["users"][visitor])


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
def test_matrix(client, world, name, visitor):
    client = client_as(visitor, client, world)
    response = client.get(url_for(name, world))
    check(response, MATRIX[name][visitor])
    assert "no-store" in response.get("Cache-Control", "")
