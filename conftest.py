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


@pytest.fixture
def perp_worker(db):
    """A probation officer named on the case with perpetrator-side scope (view and change)."""
    team = TeamFactory(
        name="Offender management", agency=AgencyFactory(name="Probation (fictional)")
    )
    return UserFactory(team=team, full_name="Percy Probation", roles=[Role.CASEWORKER])


@pytest.fixture
def excluded_user(home_team):
    return UserFactory(team=home_team, full_name="Ezra Excluded", roles=[Role.CASEWORKER])


@pytest.fixture
def break_glass_user(db):
    team = TeamFactory(name="Night duty", agency=AgencyFactory(name="Out of Hours (fictional)"))
    return UserFactory(team=team, full_name="Bea Breakglass", roles=[Role.CASEWORKER])


@pytest.fixture
def case(lead, perp_worker, excluded_user, break_glass_user):
    """A case led by `lead`: perp_worker named on the perpetrator side; excluded_user
    granted full access but excluded; break_glass_user in by break-glass."""
    from cases import services
    from cases.models import Person
    from tests.factories import add_person, grant, make_case

    case = make_case(lead)
    add_person(case, Person.Role.PRIMARY_PERPETRATOR, "Pat", "Perpetrator-Test", aliases=["Big P"])
    grant(case, perp_worker, by=lead, scope="perpetrator_side", can_change=True)
    grant(case, excluded_user, by=lead, can_change=True)
    services.case_exclude(acting_user=lead, case=case, user=excluded_user, reason="Related to Pat")
    services.case_break_glass(
        acting_user=break_glass_user, case=case, reason="Out-of-hours emergency"
    )
    return case


@pytest.fixture
def world(
    case,
    lead,
    colleague,
    outsider,
    perp_worker,
    manager,
    auditor,
    admin,
    excluded_user,
    break_glass_user,
):
    """The case with one of everything in it, and the whole cast (permission matrix)."""
    from audit.models import AccessEvent, DecisionLogEntry, ReviewFlag
    from cases.models import CaseTask, Disclosure, Person, WarningMarker
    from risk import services as risk_services

    perpetrator = Person.objects.get(case=case, role=Person.Role.PRIMARY_PERPETRATOR)
    decision = risk_services.stage2_decide(acting_user=lead, case=case, immediate_risk=True)
    return {
        "case": case,
        "perpetrator": perpetrator,
        "dash": risk_services.assessment_start(
            acting_user=lead, case=case, code="dash_ric", subject=perpetrator
        ),
        "step": decision.steps.first(),
        "plan": risk_services.safety_plan_start(acting_user=lead, case=case),
        "decision": DecisionLogEntry.objects.filter(case=case).first(),
        "flag": ReviewFlag.objects.create(
            kind="break_glass",
            event=AccessEvent.objects.create(
                user=break_glass_user,
                case_id=case.pk,
                object_kind="case",
                action="view",
                outcome="allowed",
                break_glass=True,
            ),
        ),
        "disclosure": Disclosure.objects.create(
            case=case, taken_by=lead, disclosed_on="2026-11-01"
        ),
        "task": CaseTask.objects.create(case=case, title="Call DART", created_by=lead),
        "warning": WarningMarker.objects.create(person=perpetrator, kind="dogs", created_by=lead),
        "users": {
            "lead": lead,
            "colleague": colleague,
            "outsider": outsider,
            "perp_worker": perp_worker,
            "manager": manager,
            "auditor": auditor,
            "admin": admin,
            "excluded": excluded_user,
            "break_glass": break_glass_user,
        },
    }
