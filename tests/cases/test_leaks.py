"""Leak canaries (ASVS AC3 [ours]): unique strings in the survivor's confidential records
must never reach anyone who may not see them — not in any page, not in the audit tables,
not in the log."""

import logging
import subprocess

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from audit.models import AccessChange, AccessEvent
from cases.models import ChronologyEntry, Disclosure, Person, SafeContact
from tests.helpers import signed_in
from tests.test_permission_matrix import MATRIX, STAFF, client_as, url_for

CANARIES = {
    "address": "CANARY-ADDRESS-7c1e",
    "phone": "CANARY-PHONE-3b9d",
    "safe_how": "CANARY-SAFE-HOW-a17f",
    "safe_never": "CANARY-SAFE-NEVER-55d2",
    "code_word": "CANARY-CODEWORD-e0b4",
    "disclosure": "CANARY-DISCLOSURE-91aa",
    "who_knows": "CANARY-WHOKNOWS-2f6c",
    "chronology": "CANARY-CHRONOLOGY-d4e8",
    "dash_comment": "CANARY-DASH-COMMENT-6b3a",
    "dash_source": "CANARY-DASH-SOURCE-0c77",
    "plan_text": "CANARY-PLAN-CATALYST-8e21",
    "plan_action": "CANARY-PLAN-ACTION-47f0",
}
# Everyone but the lead and the break-glass user.
MAY_NOT_SEE = [v for v in STAFF if v not in ("lead", "break_glass")]


@pytest.fixture
def canaries(world, lead):
    case = world["case"]
    survivor = Person.objects.get(case=case, role="survivor")
    survivor.address = CANARIES["address"]
    survivor.phone = CANARIES["phone"]
    survivor.save()
    SafeContact.objects.create(
        case=case,
        can_contact="yes",
        how=CANARIES["safe_how"],
        never=CANARIES["safe_never"],
        code_word=CANARIES["code_word"],
    )
    disclosure = world["disclosure"]
    disclosure.narrative = CANARIES["disclosure"]
    disclosure.who_knows = CANARIES["who_knows"]
    disclosure.save()
    ChronologyEntry.objects.create(case=case, recorded_by=lead, text=CANARIES["chronology"])
    answer = world["dash"].answers.order_by("question__number").first()
    answer.comment = CANARIES["dash_comment"]
    answer.source = CANARIES["dash_source"]
    answer.save()
    plan = world["plan"]
    plan.catalyst = CANARIES["plan_text"]
    plan.save()
    plan.actions.create(action=CANARIES["plan_action"], owner="IDVA")
    return world


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    if response.get("Content-Type") == "application/pdf":
        result = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        )
        return result.stdout.decode()
    return response.content.decode(errors="replace")


def assert_clean(text, where):
    for name, canary in CANARIES.items():
        assert canary not in text, f"{name} leaked in {where}"


@pytest.mark.parametrize("visitor", MAY_NOT_SEE)
def test_no_canary_in_any_page_for_those_who_may_not_see_it(client, canaries, visitor):
    client = client_as(visitor, client, canaries)
    for name in MATRIX:
        response = client.get(url_for(name, canaries))
        assert_clean(text_of(response), f"{name} as {visitor}")
    response = client.post(reverse("cases:list"), {"q": "Sam", "status": ""})
    assert_clean(response.content.decode(), f"case search as {visitor}")


def test_the_lead_does_see_them(client, canaries, lead):
    signed_in(client, lead)
    body = client.get(reverse("cases:detail", args=[canaries["case"].pk])).content.decode()
    for name in ("address", "phone", "safe_how", "code_word", "disclosure", "chronology"):
        assert CANARIES[name] in body, name
    dash = client.get(reverse("risk:assessment", args=[canaries["case"].pk, canaries["dash"].pk]))
    assert CANARIES["dash_comment"] in dash.content.decode()
    plan = client.get(reverse("risk:plan", args=[canaries["case"].pk, canaries["plan"].pk]))
    assert (
        CANARIES["plan_text"] in plan.content.decode()
        and CANARIES["plan_action"] in plan.content.decode()
    )


def test_perpetrator_side_worker_sees_the_case_but_no_canary(client, canaries, perp_worker):
    signed_in(client, perp_worker)
    response = client.get(reverse("cases:detail", args=[canaries["case"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pat" in body and "Big P" in body  # the perpetrator side is visible
    assert_clean(body, "case page as perpetrator-side worker")


def test_no_canary_in_the_audit_tables_or_the_log(client, canaries, lead, caplog):
    with caplog.at_level(logging.DEBUG):
        signed_in(client, lead)
        case = canaries["case"]
        client.get(reverse("cases:detail", args=[case.pk]))
        client.post(
            reverse("cases:safe_contact", args=[case.pk]),
            {
                "can_contact": "no",
                "how": CANARIES["safe_how"] + "-2",
                "never": "",
                "code_word": "",
                "version": 1,
            },
        )
        disclosure = Disclosure.objects.get(case=case)
        client.post(
            reverse("cases:disclosure_edit", args=[case.pk, disclosure.pk]),
            {
                "disclosed_on": "2026-11-01",
                "narrative": CANARIES["disclosure"] + "-2",
                "who_knows": CANARIES["who_knows"],
                "consent_to_share": "no",
                "version": disclosure.version,
            },
        )
    update = LogEntry.objects.get_for_object(disclosure).get(
        action=LogEntry.Action.UPDATE, actor=lead
    )
    assert update.changes["narrative"] == ["[redacted]", "[redacted]"]
    assert SafeContact.objects.get(case=case).can_contact == "no"  # the edits did happen
    for entry in LogEntry.objects.all():
        assert_clean(f"{entry.object_repr} {entry.changes} {entry.serialized_data}", "auditlog")
    for event in AccessEvent.objects.all():
        assert_clean(str(event.__dict__), "access events")
    for change in AccessChange.objects.all():
        assert_clean(str(change.__dict__), "access changes")
    assert_clean(caplog.text, "application log")
