"""Benchmark: safety-plan PDF render time and page count for a full plan, and the query
counts of the risk pages. Run with `make perf` (not part of `make test`)."""

import statistics
import subprocess
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Disclosure, Person, SafeContact
from risk import services
from risk.models import SafetyAction
from risk.pdf import render_pdf
from tests.factories import add_person, make_case
from tests.helpers import signed_in
from tests.risk_helpers import answer_all

LONG = "She said the associates watch the house from a car most evenings. " * 6


@pytest.fixture
def full_plan(lead):
    case = make_case(lead, survivor_name=("Bench", "Survivor-Demo"))
    perpetrator = add_person(
        case, Person.Role.PRIMARY_PERPETRATOR, "Dean", "Bench-Demo", aliases=["D", "Deano", "Big D"]
    )
    for n in range(6):
        add_person(case, Person.Role.ASSOCIATE, f"Associate{n}", "Bench-Demo", aliases=[f"A{n}"])
    Disclosure.objects.create(
        case=case,
        taken_by=lead,
        disclosed_on="2026-11-01",
        who_knows=LONG,
        who_might_suspect=LONG,
        expected_outcome=LONG,
        catalyst=LONG,
    )
    SafeContact.objects.create(
        case=case,
        can_contact="yes",
        how=LONG,
        safe_times="Weekdays 10-12",
        never="No voicemail, no letters",
    )
    dash = services.assessment_start(
        acting_user=lead, case=case, code="dash_ric", subject=perpetrator
    )
    answer_all(dash, yes=16)
    services.assessment_submit(acting_user=lead, assessment=dash)
    plan = services.safety_plan_start(acting_user=lead, case=case)
    plan.accommodation_details = LONG
    plan.change_of_name_details = LONG
    plan.save()
    SafetyAction.objects.bulk_create(
        [
            SafetyAction(
                plan=plan, action=f"Action {n}: {LONG[:180]}", owner="IDVA", review_on="2026-12-01"
            )
            for n in range(15)
        ]
    )
    plan = services.safety_plan_finalise(acting_user=lead, plan=plan)
    return case, plan, dash


def test_safety_plan_pdf_and_risk_page_queries(client, full_plan, lead, tmp_path):
    case, plan, dash = full_plan
    context = {"case": case, "plan": plan, "actions": list(plan.actions.all())}
    render_pdf("risk/plan_pdf.html", context, generated_for=lead)  # warm up fonts
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        pdf = render_pdf("risk/plan_pdf.html", context, generated_for=lead)
        timings.append((time.perf_counter() - start) * 1000)
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))

    signed_in(client, lead)
    counts = {}
    for name, url in [
        ("risk overview", reverse("risk:overview", args=[case.pk])),
        ("DASH (submitted)", reverse("risk:assessment", args=[case.pk, dash.pk])),
        ("safety plan (final)", reverse("risk:plan", args=[case.pk, plan.pk])),
        ("Stage 2", reverse("risk:stage2", args=[case.pk])),
        ("safety plan PDF", reverse("risk:plan_pdf", args=[case.pk, plan.pk])),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    draft = services.assessment_start(acting_user=lead, case=case, code="mpa_survivor_indicators")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("risk:assessment", args=[case.pk, draft.pk]))
    counts["indicators form (draft, 49 questions)"] = len(queries)

    print(
        f"\nSafety-plan PDF (full plan, 15 actions): {pages} pages, "
        f"render p50 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms, {len(pdf) / 1024:.0f} KiB"
    )
    for name, n in counts.items():
        print(f"  {name:42} {n} queries")
