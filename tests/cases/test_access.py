"""The access rules of DESIGN.md, through Case.objects.visible_to and the pages."""

from datetime import timedelta

import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AccessChange, AccessEvent
from cases import services
from cases.models import Case, ChronologyEntry, Disclosure, Notification, SafeContact
from tests.factories import UserFactory, grant, make_case
from tests.helpers import signed_in


def visible(user):
    return set(Case.objects.visible_to(user))


def test_only_named_users_see_a_case(case, lead, colleague, outsider, manager, auditor, admin):
    assert case in visible(lead)
    for user in (colleague, outsider, manager, auditor, admin):
        assert case not in visible(user)


def test_no_bypass_for_superusers_or_global_permissions(case, colleague):
    colleague.is_superuser = True
    colleague.save()
    group = Group.objects.create(name="everything")
    group.permissions.set(Permission.objects.filter(codename__in=["view_case", "change_case"]))
    colleague.groups.add(group)
    assert case not in visible(colleague)


def test_expired_grants_stop_working(case, lead, colleague):
    grant(case, colleague, by=lead, expires_at=timezone.now() + timedelta(hours=1))
    assert case in visible(colleague)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert case not in visible(colleague)


def test_exclusion_beats_a_grant_and_break_glass(case, excluded_user):
    assert case not in visible(excluded_user)
    assert case.grants.filter(user=excluded_user).exists()
    try:
        services.case_break_glass(acting_user=excluded_user, case=case, reason="try")
    except services.AccessRefused as refusal:
        assert "excluded" in str(refusal)
    else:
        raise AssertionError("an excluded user used break-glass")
    assert case not in visible(excluded_user)


def test_break_glass_lasts_four_hours_and_notifies_lead_and_managers(
    lead, manager, break_glass_user
):
    case = make_case(lead)
    services.case_break_glass(acting_user=break_glass_user, case=case, reason="Police at the door")
    assert case in visible(break_glass_user)
    told = set(Notification.objects.filter(case=case).values_list("user_id", flat=True))
    assert {lead.pk, manager.pk} <= told
    assert AccessChange.objects.filter(
        case=case, action="break_glass", subject=break_glass_user
    ).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=4, minutes=1)):
        assert case not in visible(break_glass_user)


def test_break_glass_page_flags_the_case(client, case, break_glass_user):
    signed_in(client, break_glass_user)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="break-glass-flag"' in body
    assert AccessEvent.objects.filter(
        user=break_glass_user, case_id=case.pk, break_glass=True
    ).exists()


def test_break_glass_by_reference_with_a_reason(client, lead, break_glass_user):
    case = make_case(lead)
    signed_in(client, break_glass_user)
    response = client.post(
        reverse("cases:break_glass"), {"reference": case.reference.lower(), "reason": ""}
    )
    assert "This field is required" in response.content.decode()
    assert case not in visible(break_glass_user)
    response = client.post(
        reverse("cases:break_glass"), {"reference": case.reference, "reason": "Urgent"}
    )
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert case in visible(break_glass_user)


def test_perpetrator_side_scope_hides_the_survivors_confidential_records(case, lead, perp_worker):
    Disclosure.objects.create(case=case, taken_by=lead, disclosed_on="2026-11-01")
    SafeContact.objects.create(case=case)
    ChronologyEntry.objects.create(case=case, recorded_by=lead, text="x")
    assert case in visible(perp_worker)
    assert not Disclosure.objects.for_user(perp_worker).exists()
    assert not SafeContact.objects.for_user(perp_worker).exists()
    assert not ChronologyEntry.objects.for_user(perp_worker).exists()
    assert Disclosure.objects.for_user(lead).count() == 1


def test_revoking_applies_at_the_next_request(client, case, lead, colleague):
    grant(case, colleague, by=lead)
    signed_in(client, colleague)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 200
    services.case_revoke_access(acting_user=lead, case=case, user=colleague, reason="Left the team")
    assert client.get(url).status_code == 404


def test_outsider_404_is_recorded_as_a_failed_access(client, case, outsider):
    signed_in(client, outsider)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    event = AccessEvent.objects.get(user=outsider)
    assert event.outcome == "denied" and event.case_id == case.pk


def test_lead_grants_access_with_a_reason_through_the_page(client, case, lead, colleague):
    signed_in(client, lead)
    url = reverse("cases:access_grant", args=[case.pk])
    response = client.post(url, {"user": colleague.pk, "scope": "full", "reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(
        url, {"user": colleague.pk, "scope": "full", "can_change": "on", "reason": "Covering leave"}
    )
    assert response.url == reverse("cases:access", args=[case.pk])
    assert case in visible(colleague)
    assert Notification.objects.filter(user=colleague, case=case).exists()
    page = client.get(reverse("cases:access", args=[case.pk])).content.decode()
    assert "Covering leave" in page and colleague.full_name in page


def test_excluded_user_cannot_be_granted(client, case, lead, excluded_user):
    signed_in(client, lead)
    response = client.post(
        reverse("cases:access_grant", args=[case.pk]),
        {"user": excluded_user.pk, "scope": "full", "reason": "try"},
    )
    assert "excluded from this case" in response.content.decode()


def test_lead_keeps_access(client, case, lead):
    signed_in(client, lead)
    response = client.post(reverse("cases:access_revoke", args=[case.pk, lead.pk]), {"reason": "x"})
    assert response.status_code == 200 and "lead worker keeps access" in response.content.decode()
    assert case in visible(lead)


def test_manager_manages_access_without_seeing_content(client, case, manager, colleague):
    signed_in(client, manager)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    allocation = client.get(reverse("cases:allocation")).content.decode()
    assert case.reference in allocation and "Sam" not in allocation
    client.post(
        reverse("cases:access_grant", args=[case.pk]),
        {"user": colleague.pk, "scope": "full", "reason": "Allocated"},
    )
    assert case in visible(colleague)
    client.post(
        reverse("cases:access_exclude", args=[case.pk]),
        {"user": colleague.pk, "reason": "Neighbour"},
    )
    assert case not in visible(colleague)


def test_manager_of_another_team_cannot_manage(client, case):
    other_manager = UserFactory(roles=[Role.MANAGER])
    signed_in(client, other_manager)
    assert client.get(reverse("cases:access", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:allocation")).content.decode()


def test_deactivated_users_see_nothing(case, lead):
    lead.is_active = False
    assert not Case.objects.visible_to(lead).exists()


def test_an_exclusion_is_lifted_with_a_reason(client, case, lead, excluded_user):
    from audit.models import DecisionLogEntry

    signed_in(client, lead)
    url = reverse("cases:access_lift_exclusion", args=[case.pk, excluded_user.pk])
    assert "This field is required" in client.post(url, {"reason": ""}).content.decode()
    assert case not in visible(excluded_user)
    client.post(url, {"reason": "Relationship ended; checked with manager"})
    assert case in visible(excluded_user)  # their earlier grant applies again
    assert DecisionLogEntry.objects.filter(case=case, kind="lift_exclusion").exists()
    assert AccessChange.objects.filter(
        case=case, subject=excluded_user, action="unexclude"
    ).exists()
