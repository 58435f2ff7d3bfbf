"""seed_demo's demo cases (cases/demo.py): development only, repeatable, need-to-know intact."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from audit.models import AccessChange
from cases import access
from cases.models import (
    Case,
    CaseTask,
    CaseUserObjectPermission,
    ChronologyEntry,
    Person,
    Scope,
)

pytestmark = pytest.mark.django_db


def seed(**options):
    call_command("seed_demo", stdout=StringIO(), **options)


def demo_user(local: str) -> User:
    return User.objects.get(email=f"{local}@harbour.example")


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    seed()


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only in development"):
        seed()
    with pytest.raises(CommandError, match="only in development"):
        seed(cases=5)
    assert not Case.objects.exists()


def test_it_creates_about_thirty_cases_each_with_exactly_one_survivor(seeded):
    cases = Case.objects.all()
    assert 25 <= cases.count() <= 35
    for case in cases:
        assert case.people.filter(role=Person.Role.SURVIVOR).count() == 1
        assert case.people.filter(role=Person.Role.PRIMARY_PERPETRATOR).count() == 1
        assert case.people.filter(role=Person.Role.ASSOCIATE).exists()
        assert case.chronology.count() >= 3
        assert case.tasks.exists()
    assert Case.objects.filter(status=Case.Status.CLOSED).exclude(closure_reason="").exists()
    assert Case.objects.filter(at_risk_from_multiple_perpetrators=True).count() > cases.count() / 2
    assert {c.risk_level for c in cases} >= {"standard", "medium", "high"}


def test_it_writes_through_the_services_so_access_history_and_auditlog_exist(seeded):
    for case in Case.objects.all():
        assert AccessChange.objects.filter(case=case, subject=case.lead).exists()
    assert LogEntry.objects.get_for_model(Case).exists()
    assert LogEntry.objects.get_for_model(CaseUserObjectPermission).exists()


def test_the_caseworker_leads_and_sees_most_idva_cases(seeded):
    caseworker = demo_user("caseworker")
    idva = Case.objects.filter(team=caseworker.team)
    visible = Case.objects.visible_to(caseworker).filter(team=caseworker.team)
    assert idva.filter(lead=caseworker).count() > idva.count() / 2
    assert visible.count() > idva.count() * 0.8
    assert CaseTask.objects.for_user(caseworker).overdue().filter(assignee=caseworker).exists()


def test_named_roles_see_a_few_cases_and_outsiders_see_none(seeded):
    for local in ["dart", "coordinator", "chair", "rep"]:
        assert 1 <= Case.objects.visible_to(demo_user(local)).count() <= 10, local
    rep = demo_user("rep")
    assert Case.objects.visible_to(rep, full_scope=True).count() < (
        Case.objects.visible_to(rep).count()
    )
    assert CaseUserObjectPermission.objects.filter(user=rep, scope=Scope.PERPETRATOR_SIDE).exists()
    for local in ["auditor", "admin"]:
        assert not Case.objects.visible_to(demo_user(local)).exists(), local


def test_the_demo_manager_manages_the_caseworkers_team(seeded):
    manager, caseworker = demo_user("manager"), demo_user("caseworker")
    assert manager.team_id == caseworker.team_id
    assert access.allocation_for(manager).filter(lead=caseworker).exists()


def test_running_it_twice_adds_nothing(seeded):
    counts = (Case.objects.count(), Person.objects.count(), AccessChange.objects.count())
    seed()
    assert (Case.objects.count(), Person.objects.count(), AccessChange.objects.count()) == counts


def test_the_demo_data_is_obviously_fictional(seeded):
    for person in Person.objects.all():
        if person.phone:
            assert person.phone.startswith("07700 900")
        if person.role in (Person.Role.SURVIVOR, Person.Role.PRIMARY_PERPETRATOR):
            assert person.family_name.endswith("-Demo")


def test_cases_option_adds_cases_with_grants_and_encrypted_fields(seeded):
    before = set(Case.objects.values_list("pk", flat=True))
    seed(cases=50)
    new = Case.objects.exclude(pk__in=before)
    assert new.count() == 50
    assert len(set(Case.objects.values_list("reference", flat=True))) == Case.objects.count()
    for case in new:
        roles = sorted(case.people.values_list("role", flat=True))
        assert roles == ["associate", "primary_perpetrator", "survivor"]
        perpetrator = case.people.get(role=Person.Role.PRIMARY_PERPETRATOR)
        assert perpetrator.aliases.count() == 2
        assert case.chronology.count() == 1 and case.tasks.count() == 1
        codenames = set(
            case.grants.filter(user=case.lead).values_list("permission__codename", flat=True)
        )
        assert codenames == {"view_case", "change_case"}
        assert Case.objects.visible_to(case.lead, perm="change").filter(pk=case.pk).exists()

    survivor = Person.objects.filter(case__in=new, role=Person.Role.SURVIVOR).first()
    entry = ChronologyEntry.objects.filter(case__in=new).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, phone FROM cases_person WHERE id = %s", [survivor.pk])
        raw_address, raw_phone = cursor.fetchone()
        cursor.execute("SELECT text FROM cases_chronologyentry WHERE id = %s", [entry.pk])
        (raw_text,) = cursor.fetchone()
    assert survivor.phone.startswith("07700 900") and survivor.phone not in raw_phone
    assert survivor.address and survivor.address not in raw_address
    assert entry.text.startswith("First contact") and "First contact" not in raw_text

    # Spread across many generated workers, about 1 in 10 to the demo caseworker.
    leads = set(new.values_list("lead", flat=True))
    assert len(leads) > 10
    assert new.filter(lead=demo_user("caseworker")).count() < 20


def test_cases_option_adds_more_on_every_run(seeded):
    seed(cases=5)
    total = Case.objects.count()
    seed(cases=5)
    assert Case.objects.count() == total + 5
    assert User.objects.filter(email__endswith="@generated.harbour.example").count() == 200
