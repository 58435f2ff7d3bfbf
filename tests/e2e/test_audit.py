"""A manager reviews a case's access in Chromium: who viewed it, the flagged break-glass
event signed off with a comment, and the list exported."""

import csv
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit import review
from audit.models import AccessEvent, ReviewFlag
from cases import services
from tests.factories import grant, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_reviews_who_saw_a_case(
    sign_in, lead, colleague, manager, break_glass_user, tmp_path
):
    case = make_case(lead)
    grant(case, colleague, by=lead)
    services.case_break_glass(
        acting_user=break_glass_user, case=case, reason="Police at the door at night"
    )
    for user, glass in [(lead, False), (colleague, False), (break_glass_user, True)]:
        AccessEvent.objects.create(
            user=user,
            case_id=case.pk,
            object_kind="case",
            action="view",
            outcome="allowed",
            break_glass=glass,
        )
    AccessEvent.objects.create(
        user=colleague,
        case_id=case.pk,
        object_kind="case",
        action="view",
        outcome="allowed",
        at=timezone.now() - timedelta(days=45),
    )
    review.flag_anomalies()

    page = sign_in(manager)
    page.get_by_role("link", name="Audit").first.click()
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_label("From").fill((timezone.localdate() - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Search").click()
    table = page.get_by_test_id("events")
    expect(table).to_contain_text("Lena Lead")
    expect(table).to_contain_text("Colin Colleague")
    expect(table).to_contain_text("Bea Breakglass")
    expect(table.locator("tbody tr")).to_have_count(3)  # the 45-day-old view is outside the window

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "events.csv"
    download_info.value.save_as(path)
    rows = list(csv.DictReader(path.open()))
    assert {r["user"] for r in rows} == {"Lena Lead", "Colin Colleague", "Bea Breakglass"}
    assert all(r["case"] == case.reference for r in rows)

    page.get_by_role("link", name="Flagged events to review").click()
    page.get_by_test_id("flags").get_by_role("link", name="Break-glass use").click()
    expect(page.get_by_role("heading", name="Break-glass use")).to_be_visible()
    page.get_by_label("Comment").fill("Confirmed with the night duty sergeant: genuine emergency.")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Signed off.")).to_be_visible()
    flag = ReviewFlag.objects.get(kind="break_glass")
    assert flag.signed_off_by == manager and flag.comment.startswith(
        "Confirmed with the night duty"
    )
    assert AccessEvent.objects.filter(user=manager, action="export-csv").exists()
