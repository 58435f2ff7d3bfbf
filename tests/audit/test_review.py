import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit import review, services, tasks
from audit.models import AccessChange, AccessEvent, DecisionLogEntry, ReviewFlag, SharingRecord
from cases import services as case_services
from cases.models import CaseTask, Notification
from tests.factories import UserFactory, grant, make_case
from tests.helpers import signed_in


def event(user, case=None, at=None, **fields):
    data = {"object_kind": "case", "action": "view", "outcome": "allowed"}
    data.update(fields)
    return AccessEvent.objects.create(
        user=user, case_id=case.pk if case else None, at=at or timezone.now(), **data
    )


def working_hours_moment(days_ago=1):
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 11, 0))


def test_manager_finds_who_saw_a_case_and_what_a_person_saw(client, case, lead, manager, colleague):
    grant(case, colleague, by=lead)
    event(colleague, case)
    other = make_case(colleague)
    event(colleague, other)
    signed_in(client, manager)
    by_case = client.get(reverse("audit:events"), {"case": case.reference}).content.decode()
    assert "Colin Colleague" in by_case and other.reference not in by_case
    by_person = client.get(reverse("audit:events"), {"user": colleague.pk}).content.decode()
    assert case.reference in by_person and other.reference in by_person


def test_filters_keep_what_was_typed_and_explain_errors(client, auditor):
    signed_in(client, auditor)
    body = client.get(
        reverse("audit:events"), {"date_from": "2026-11-10", "date_to": "2026-11-01"}
    ).content.decode()
    assert "The end date is before the start date." in body and 'value="2026-11-10"' in body


def test_manager_sees_only_their_teams_events(client, case, lead, manager):
    stranger = UserFactory(full_name="Stella Stranger")
    event(stranger, make_case(stranger))
    event(lead, case)
    signed_in(client, manager)
    body = client.get(reverse("audit:events")).content.decode()
    assert "Lena Lead" in body and "Stella Stranger" not in body


def test_csv_export_is_filtered_and_recorded(client, case, lead, auditor):
    event(lead, case)
    signed_in(client, auditor)
    response = client.get(reverse("audit:export"), {"case": case.reference})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "time" and all(r[3] == case.reference for r in rows[1:]) and len(rows) > 1
    assert AccessEvent.objects.filter(user=auditor, action="export-csv").exists()


def test_anomalies_are_flagged_once(case, lead, break_glass_user, excluded_user, settings):
    settings.AUDIT_MANY_CASES_PER_HOUR = 3
    noon = working_hours_moment()
    event(break_glass_user, case, at=noon, break_glass=True)
    event(break_glass_user, case, at=noon + timedelta(minutes=1), break_glass=True)
    night = noon.replace(hour=2)
    event(lead, case, at=night)
    event(lead, case, at=night + timedelta(minutes=5))
    event(excluded_user, case, at=noon, outcome="denied", action="attempt")
    busy = UserFactory()
    for n in range(5):
        event(busy, make_case(busy), at=noon + timedelta(minutes=n))
    review.flag_anomalies()
    kinds = sorted(ReviewFlag.objects.values_list("kind", flat=True))
    assert kinds == ["break_glass", "excluded_attempt", "many_cases", "out_of_hours"]
    assert review.flag_anomalies() == 0  # nothing new, nothing flagged twice


def test_sign_off_records_who_when_and_why(client, world, manager):
    flag = world["flag"]
    signed_in(client, manager)
    empty = client.post(reverse("audit:flag", args=[flag.pk]), {"comment": ""})
    assert "This field is required" in empty.content.decode()
    client.post(reverse("audit:flag", args=[flag.pk]), {"comment": "Police request, confirmed"})
    flag.refresh_from_db()
    assert (
        flag.signed_off_by == manager
        and flag.signed_off_at
        and flag.comment == "Police request, confirmed"
    )
    assert "Nothing to review" in client.get(reverse("audit:queue")).content.decode()


def test_break_glass_and_access_changes_need_a_decision(case, lead, colleague, break_glass_user):
    with pytest.raises(services.DecisionRequired):
        case_services.case_break_glass(
            acting_user=break_glass_user, case=make_case(lead), reason=" "
        )
    case_services.case_grant_access(
        acting_user=lead,
        case=case,
        user=colleague,
        scope="full",
        can_change=False,
        reason="Cover",
        options_considered="Duty worker",
        risks_weighed="None",
    )
    entry = DecisionLogEntry.objects.filter(case=case, kind="grant_access").latest("made_at")
    assert (
        entry.reasons == "Cover"
        and entry.options_considered == "Duty worker"
        and entry.made_by == lead
    )
    with pytest.raises(services.DecisionRequired):
        case_services.case_revoke_access(acting_user=lead, case=case, user=colleague, reason="")
    assert case.grants.filter(user=colleague).exists()


def test_closing_a_case_writes_its_decision(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    client.post(
        reverse("cases:close", args=[case.pk]),
        {
            "reason": "Safe and moved away",
            "options_considered": "Keep open 3 months",
            "version": case.version,
        },
    )
    entry = DecisionLogEntry.objects.get(case=case, kind="close_case")
    assert (
        entry.reasons == "Safe and moved away" and entry.options_considered == "Keep open 3 months"
    )


def sharing_post(agency, **overrides):
    data = {
        "categories": ["risk", "perpetrators"],
        "agency": agency.pk,
        "recipient": "DS Example, CID",
        "purpose": "MARAC research",
        "article6": "6(1)(e)",
        "article9": "9(2)(g)",
        "article10": "sch1-18",
        "consent": "given",
    }
    data.update(overrides)
    return data


def test_sharing_with_consent_is_recorded_and_marked(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    response = client.post(
        reverse("records:sharing_add", args=[case.pk]), sharing_post(lead.agency)
    )
    assert response.url == reverse("records:sharing", args=[case.pk])
    record = SharingRecord.objects.get(case=case)
    assert (
        record.marked_domestic_abuse
        and record.decision is None
        and record.categories == ["risk", "perpetrators"]
    )
    assert "Domestic abuse" in client.get(response.url).content.decode()


def test_sharing_without_consent_cannot_be_saved_without_its_decision(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    url = reverse("records:sharing_add", args=[case.pk])
    refused = client.post(url, sharing_post(lead.agency, consent="refused", purpose="Kept purpose"))
    body = refused.content.decode()
    assert (
        "needs your reasons" in body
        and "Say why consent was refused" in body
        and "Kept purpose" in body
    )
    assert not SharingRecord.objects.exists()
    with pytest.raises(services.DecisionRequired):
        services.sharing_record(
            acting_user=lead,
            case=case,
            data={
                **sharing_post(lead.agency, consent="not_sought"),
                "agency": lead.agency,
                "consent_note": "x",
            },
            decision=None,
        )
    client.post(
        url,
        sharing_post(
            lead.agency,
            consent="refused",
            consent_note="She is too frightened",
            reasons="Risk to life: threats to kill",
            risks_weighed="Trust",
        ),
    )
    record = SharingRecord.objects.get(case=case)
    assert (
        record.decision.kind == "share_without_consent"
        and record.decision.reasons == "Risk to life: threats to kill"
    )


def test_decisions_are_a_timeline_and_corrections_point_back(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    client.post(
        reverse("records:decision_add", args=[case.pk]),
        {
            "kind": "no_marac_referral",
            "decision": "Not referring",
            "reasons": "Below threshold on review",
        },
    )
    first = DecisionLogEntry.objects.get(case=case, kind="no_marac_referral")
    client.post(
        reverse("records:decision_correct", args=[case.pk, first.pk]),
        {
            "kind": "no_marac_referral",
            "decision": "Not referring",
            "reasons": "Corrected: chair agreed",
        },
    )
    correction = DecisionLogEntry.objects.get(corrects=first)
    first.refresh_from_db()
    assert (
        first.reasons == "Below threshold on review"
        and correction.reasons == "Corrected: chair agreed"
    )
    timeline = client.get(reverse("records:decisions", args=[case.pk])).content.decode()
    assert "Corrected on" in timeline and "Below threshold on review" in timeline


def test_nightly_verification_notifies_auditors_and_managers_on_failure(world, auditor, manager):
    from django.db import connection, transaction

    tasks.verify_audit_chain()
    assert not Notification.objects.filter(message__startswith="Audit trail check FAILED").exists()
    event_row = AccessEvent.objects.order_by("id").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_accessevent SET action = 'edited' WHERE id = %s", [event_row.pk]
        )
        cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER USER")
    assert tasks.verify_audit_chain() is False
    told = set(
        Notification.objects.filter(message__startswith="Audit trail check FAILED").values_list(
            "user_id", flat=True
        )
    )
    assert {auditor.pk, manager.pk} <= told


def test_expired_grants_are_removed_and_recorded(case, lead, colleague):
    grant(case, colleague, by=lead, expires_at=timezone.now() + timedelta(minutes=1))
    case.grants.filter(user=colleague).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert tasks.expire_access() == 1
    assert not case.grants.filter(user=colleague).exists()
    assert AccessChange.objects.filter(case=case, subject=colleague, action="expire").exists()


def test_overdue_reminders(case, lead):
    CaseTask.objects.create(
        case=case,
        title="Late",
        due_on=timezone.localdate() - timedelta(days=2),
        assignee=lead,
        created_by=lead,
    )
    assert tasks.overdue_reminders() == 1
    assert Notification.objects.filter(user=lead, message="You have 1 overdue task.").exists()


def test_seal_and_flag_job(world):
    result = tasks.seal_and_flag()
    assert result["sealed"] > 0


def test_retention_lists_closed_cases_past_their_period(client, lead, auditor):
    old = make_case(lead)
    old.status, old.closed_at = "closed", timezone.now() - timedelta(days=365 * 6 + 10)
    old.save()
    recent = make_case(lead)
    recent.status, recent.closed_at = "closed", timezone.now() - timedelta(days=30)
    recent.save()
    signed_in(client, auditor)
    body = client.get(reverse("audit:retention")).content.decode()
    assert old.reference in body and recent.reference not in body


def test_subject_export_redacts_third_parties_and_is_recorded(case, lead, tmp_path):
    from cases.models import Person, SafeContact

    survivor = Person.objects.get(case=case, role="survivor")
    SafeContact.objects.create(case=case, code_word="Heron")
    out = tmp_path / "sar.json"
    call_command(
        "export_subject_data",
        case=case.reference,
        person=survivor.pk,
        operator=lead.email,
        output=str(out),
    )
    data = json.loads(out.read_text())
    assert data["subject"]["given_name"] == "Sam" and data["safe_contact"]["code_word"] == "Heron"
    assert all(p["details"] == "[redacted: third party]" for p in data["other_people"])
    assert "Pat" not in out.read_text()
    perpetrator = Person.objects.get(case=case, role="primary_perpetrator")
    call_command(
        "export_subject_data",
        case=case.reference,
        person=perpetrator.pk,
        operator=lead.email,
        output=str(out),
    )
    theirs = out.read_text()
    assert "Heron" not in theirs and "Sam" not in theirs and "Pat" in theirs
    assert AccessEvent.objects.filter(user=lead, object_kind="subject_export").count() == 2


def test_review_pages_have_bounded_queries(
    client, world, auditor, lead, django_assert_max_num_queries
):
    for _ in range(30):
        event(lead, world["case"])
    review.flag_anomalies()
    signed_in(client, auditor)
    with django_assert_max_num_queries(20):
        client.get(reverse("audit:events"))
    with django_assert_max_num_queries(20):
        client.get(reverse("audit:queue"), {"status": "all"})
    with django_assert_max_num_queries(20):
        client.get(reverse("audit:flag", args=[world["flag"].pk]))


def test_person_search_by_name_and_capped_counts(
    client, case, lead, colleague, auditor, monkeypatch
):
    from config.pagination import CappedPaginator

    grant(case, colleague, by=lead)
    event(colleague, case)
    event(lead, case)
    signed_in(client, auditor)
    body = client.get(reverse("audit:events"), {"person": "colin"}).content.decode()
    assert "Colin Colleague" in body and "Lena Lead</a>" not in body
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    body = client.get(reverse("audit:events")).content.decode()
    assert "More than 1 results" in body


def test_reopening_a_case_writes_its_decision(client, lead):
    case = make_case(lead)
    case_services.case_close(
        acting_user=lead, case=case, reason="Safe", expected_version=case.version
    )
    case.refresh_from_db()
    signed_in(client, lead)
    client.post(
        reverse("cases:close", args=[case.pk]),
        {"reason": "New threats reported", "version": case.version},
    )
    case.refresh_from_db()
    assert case.is_open
    assert (
        DecisionLogEntry.objects.get(case=case, kind="reopen_case").reasons
        == "New threats reported"
    )
