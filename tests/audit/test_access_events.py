"""Every view of case data leaves exactly one access event; refusals leave one too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessEvent
from tests.helpers import signed_in
from tests.test_permission_matrix import MATRIX, client_as, url_for

CASE_SCOPED = sorted(
    n
    for n in MATRIX
    if n.split(":")[0] in ("cases", "risk", "records")
    and MATRIX[n]["lead"] == 200
    and n not in ("cases:list", "cases:create", "cases:notifications", "cases:break_glass")
)


def test_the_walk_covers_the_case_pages():
    assert (
        "cases:detail" in CASE_SCOPED
        and "risk:plan_pdf" in CASE_SCOPED
        and "records:decisions" in CASE_SCOPED
    )
    assert len(CASE_SCOPED) > 25


@pytest.mark.parametrize("name", CASE_SCOPED)
def test_each_case_page_writes_exactly_one_event_with_one_insert(client, world, name):
    signed_in(client, world["users"]["lead"])
    before = AccessEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url_for(name, world))
    assert response.status_code == 200
    events = AccessEvent.objects.order_by("-id")[: AccessEvent.objects.count() - before]
    assert len(events) == 1, name
    event = events[0]
    assert (
        event.case_id == world["case"].pk
        and event.outcome == "allowed"
        and event.user == world["users"]["lead"]
    )
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_accessevent"')]
    assert len(inserts) == 1


@pytest.mark.parametrize(
    "name", ["cases:detail", "risk:overview", "records:decisions", "risk:plan_pdf"]
)
def test_an_outsider_leaves_one_failed_access_event(client, world, name):
    client_as("outsider", client, world)
    response = client.get(url_for(name, world))
    assert response.status_code == 404
    event = AccessEvent.objects.get(user=world["users"]["outsider"])
    assert (
        event.outcome == "denied"
        and event.case_id == world["case"].pk
        and event.action == "attempt"
    )


def test_perpetrator_side_worker_refused_a_confidential_page_is_recorded(client, world):
    client_as("perp_worker", client, world)
    assert client.get(url_for("risk:plan", world)).status_code == 404
    event = AccessEvent.objects.get(user=world["users"]["perp_worker"])
    assert event.outcome == "denied"


def test_break_glass_views_are_marked(client, world):
    client_as("break_glass", client, world)
    client.get(url_for("cases:detail", world))
    event = AccessEvent.objects.filter(
        user=world["users"]["break_glass"], object_kind="case"
    ).latest("id")
    assert event.break_glass


def test_viewing_the_audit_trail_is_recorded(client, world):
    client_as("auditor", client, world)
    client.get("/audit/")
    client.get("/audit/export.csv")
    actions = set(
        AccessEvent.objects.filter(user=world["users"]["auditor"]).values_list("action", flat=True)
    )
    assert {"review-events", "export-csv"} <= actions


def test_htmx_fragments_skip_the_notification_count(client, world):
    from django.urls import reverse

    signed_in(client, world["users"]["lead"])
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("cases:list"), {"status": "open"}, headers={"HX-Request": "true"})
    assert not [q for q in queries if "cases_notification" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    assert len([q for q in queries if "cases_notification" in q["sql"]]) == 1
