import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import CaseTask, Person
from risk import services
from risk.models import Answer, Assessment, QuestionSet, SafetyPlan, Stage2Step
from tests.factories import add_person, make_case
from tests.helpers import signed_in
from tests.risk_helpers import answer_all


@pytest.fixture
def perpetrator(case):
    return Person.objects.get(case=case, role=Person.Role.PRIMARY_PERPETRATOR)


@pytest.fixture
def dash(case, lead, perpetrator):
    return services.assessment_start(
        acting_user=lead, case=case, code="dash_ric", subject=perpetrator
    )


def form_data(assessment, values, **extra):
    data = {}
    for answer in assessment.answers.select_related("question"):
        data[f"q{answer.question.number}_value"] = values.get(answer.question.number, "")
        data[f"q{answer.question.number}_source"] = ""
        data[f"q{answer.question.number}_comment"] = ""
    data.update(extra)
    return data


def test_question_sets_are_loaded_as_versioned_data(db):
    dash = QuestionSet.current("dash_ric")
    assert dash.version == 1 and dash.questions.count() == 24
    assert dash.questions.filter(scored=True).count() == 24
    for code in ("mpa_perpetrator", "mpa_survivor_indicators", "imminent_risk"):
        assert QuestionSet.current(code).questions.exists()


def test_dash_names_the_chosen_perpetrator(client, case, lead, perpetrator):
    signed_in(client, lead)
    response = client.post(
        reverse("risk:start", args=[case.pk, "dash_ric"]), {"subject": perpetrator.pk}
    )
    assessment = Assessment.objects.get(case=case)
    assert response.url == reverse("risk:assessment", args=[case.pk, assessment.pk])
    page = client.get(response.url).content.decode()
    assert "Has Pat Perpetrator-Test ever" in page and "{abuser}" not in page


def test_draft_is_saved_as_the_worker_goes_and_resumed(client, case, lead, dash):
    signed_in(client, lead)
    url = reverse("risk:autosave", args=[case.pk, dash.pk])
    response = client.post(
        url,
        form_data(dash, {1: "yes", 2: "dont_know"}, q1_comment="Bruised arm"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    answers = {a.question.number: a for a in dash.answers.select_related("question")}
    assert (
        answers[1].value == "yes"
        and answers[1].comment == "Bruised arm"
        and answers[2].value == "dont_know"
    )
    page = client.get(reverse("risk:assessment", args=[case.pk, dash.pk])).content.decode()
    assert "Bruised arm" in page


def test_incomplete_assessment_cannot_be_submitted(client, case, lead, dash):
    signed_in(client, lead)
    response = client.post(
        reverse("risk:assessment", args=[case.pk, dash.pk]), form_data(dash, {1: "yes"}, submit="")
    )
    assert response.status_code == 200
    assert "Answer every question" in response.content.decode()
    dash.refresh_from_db()
    assert dash.status == "draft"


def test_submitting_14_yes_makes_the_case_high_and_asks_stage_2(client, case, lead, dash):
    signed_in(client, lead)
    values = {n: ("yes" if n <= 14 else "no") for n in range(1, 25)}
    response = client.post(
        reverse("risk:assessment", args=[case.pk, dash.pk]), form_data(dash, values, submit="")
    )
    assert response.url == reverse("risk:stage2", args=[case.pk])
    dash.refresh_from_db()
    case.refresh_from_db()
    assert dash.status == "submitted" and dash.yes_count == 14 and dash.level == "high"
    assert case.risk_level == "high" and case.risk_criteria == ["visible_high_risk"]
    overview = client.get(reverse("risk:overview", args=[case.pk])).content.decode()
    assert "visible high risk" in overview and "risk-chart" in overview
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-criteria"' in case_page and "visible high risk" in case_page


def test_judgement_without_reason_or_lowering_is_refused(client, case, lead, dash):
    signed_in(client, lead)
    values = {n: ("yes" if n <= 15 else "no") for n in range(1, 25)}
    url = reverse("risk:assessment", args=[case.pk, dash.pk])
    body = client.post(
        url, form_data(dash, values, judgement_level="medium", judgement_reason="x", submit="")
    ).content.decode()
    assert "Professional judgement can raise the risk level but never lower it." in body
    body = client.post(
        url, form_data(dash, values, judgement_level="high", judgement_reason="", submit="")
    ).content.decode()
    assert "needs a written reason" in body


def test_a_submitted_assessment_cannot_be_edited_by_post(client, case, lead, dash):
    answer_all(dash, yes=3)
    services.assessment_submit(acting_user=lead, assessment=dash)
    signed_in(client, lead)
    before = list(Answer.objects.filter(assessment=dash).values_list("value", "comment"))
    response = client.post(
        reverse("risk:assessment", args=[case.pk, dash.pk]),
        form_data(dash, {n: "yes" for n in range(1, 25)}, submit=""),
    )
    assert response.status_code == 409
    autosave = client.post(
        reverse("risk:autosave", args=[case.pk, dash.pk]), form_data(dash, {1: "yes"})
    )
    assert autosave.status_code == 409
    assert list(Answer.objects.filter(assessment=dash).values_list("value", "comment")) == before
    with pytest.raises(services.Immutable):
        services.assessment_save(acting_user=lead, assessment=dash, answers={}, fields={})


def test_a_correction_supersedes_and_keeps_the_original(client, case, lead, dash):
    answer_all(dash, yes=14)
    services.assessment_submit(acting_user=lead, assessment=dash)
    signed_in(client, lead)
    response = client.post(
        reverse("risk:correct", args=[case.pk, dash.pk]), {"reason": "Q3 was misheard"}
    )
    draft = Assessment.objects.get(supersedes=dash)
    assert response.url == reverse("risk:assessment", args=[case.pk, draft.pk])
    assert draft.supersede_reason == "Q3 was misheard" and draft.status == "draft"
    values = {n: ("yes" if n <= 10 else "no") for n in range(1, 25)}
    client.post(
        reverse("risk:assessment", args=[case.pk, draft.pk]), form_data(draft, values, submit="")
    )
    dash.refresh_from_db()
    draft.refresh_from_db()
    case.refresh_from_db()
    assert dash.yes_count == 14 and dash.level == "high" and dash.superseded_by == draft
    assert draft.yes_count == 10 and case.risk_level == "medium"
    assert Answer.objects.filter(assessment=dash, value="yes").count() == 14
    assert list(Assessment.objects.filter(case=case).current()) == [draft]
    again = client.post(reverse("risk:correct", args=[case.pk, dash.pk]), {"reason": "again"})
    assert "already been corrected" in again.content.decode()


def test_perpetrator_side_worker_completes_and_sees_only_their_perpetrator_assessment(
    client, case, lead, perp_worker, perpetrator, dash
):
    signed_in(client, perp_worker)
    assert client.get(reverse("risk:assessment", args=[case.pk, dash.pk])).status_code == 404
    assert client.get(reverse("risk:start", args=[case.pk, "dash_ric"])).status_code == 404
    client.post(
        reverse("risk:start", args=[case.pk, "mpa_perpetrator"]), {"subject": perpetrator.pk}
    )
    own = Assessment.objects.get(created_by=perp_worker)
    assert client.get(reverse("risk:assessment", args=[case.pk, own.pk])).status_code == 200
    overview = client.get(reverse("risk:overview", args=[case.pk])).content.decode()
    assert "about Pat" in overview and "DASH" not in overview.split('data-testid="assessments"')[1]
    # The lead's own perpetrator assessment stays hidden from the perpetrator-side worker.
    lead_mpa = services.assessment_start(
        acting_user=lead, case=case, code="mpa_perpetrator", subject=perpetrator
    )
    assert client.get(reverse("risk:assessment", args=[case.pk, lead_mpa.pk])).status_code == 404


def test_stage_2_no_immediate_risk_adds_dart_and_two_week_marac_tasks(client, lead):
    case = make_case(lead)
    signed_in(client, lead)
    client.post(reverse("risk:stage2", args=[case.pk]), {"immediate_risk": "no"})
    case.refresh_from_db()
    assert case.at_risk_from_multiple_perpetrators and not case.immediate_risk
    tasks = {t.title.split(" ")[0]: t for t in CaseTask.objects.filter(case=case)}
    today = timezone.localdate()
    assert tasks["Refer"].due_on == today
    assert tasks["MARAC"].due_on == today + timedelta(days=14)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Refer to DART" in dashboard and "MARAC or multi-agency meeting" in dashboard


def test_stage_2_immediate_risk_lists_the_steps_and_records_them(client, lead):
    case = make_case(lead)
    add_person(case, Person.Role.CHILD, "Kid")
    signed_in(client, lead)
    client.post(reverse("risk:stage2", args=[case.pk]), {"immediate_risk": "yes"})
    case.refresh_from_db()
    assert case.immediate_risk
    steps = list(Stage2Step.objects.filter(decision__case=case))
    assert [s.step for s in steps] == ["police", "csc", "refuge"]
    client.post(
        reverse("risk:stage2_step", args=[case.pk, steps[0].pk]), {"outcome": "999 called, log 123"}
    )
    steps[0].refresh_from_db()
    assert (
        steps[0].done_at
        and steps[0].outcome == "999 called, log 123"
        and steps[0].recorded_by == lead
    )


def test_stage_2_without_children_skips_childrens_social_care(lead):
    case = make_case(lead)
    decision = services.stage2_decide(acting_user=lead, case=case, immediate_risk=True)
    assert [s.step for s in decision.steps.all()] == ["police", "refuge"]


@pytest.fixture
def full_case(case, lead, perpetrator, dash):
    from cases.models import Alias, Disclosure, SafeContact

    Alias.objects.create(person=perpetrator, name="Smokey")
    add_person(case, Person.Role.ASSOCIATE, "Kev", aliases=["K-Dog"])
    Disclosure.objects.create(
        case=case,
        taken_by=lead,
        disclosed_on="2026-11-01",
        who_knows="Her sister",
        catalyst="He hit the baby",
    )
    SafeContact.objects.create(
        case=case, can_contact="yes", how="Text the work phone", never="No letters"
    )
    answer_all(dash, yes=16)
    services.assessment_submit(acting_user=lead, assessment=dash)
    return case


def test_safety_plan_is_prefilled_from_the_case(client, full_case, lead):
    signed_in(client, lead)
    response = client.post(reverse("risk:plan_start", args=[full_case.pk]))
    plan = SafetyPlan.objects.get(case=full_case)
    assert response.url == reverse("risk:plan", args=[full_case.pk, plan.pk])
    assert plan.perpetrator_name == "Pat Perpetrator-Test"
    assert set(plan.perpetrator_nicknames.split(", ")) == {"Big P", "Smokey"}
    assert "Kev (K-Dog)" in plan.associates and plan.mapping_done
    assert (
        plan.who_knows == "Her sister"
        and plan.anyone_knows == "yes"
        and plan.catalyst == "He hit the baby"
    )
    assert plan.dash_rating.startswith("High (16 of 24 Yes")
    assert plan.can_contact_safely == "yes" and "Text the work phone" in plan.contact_arrangements


def plan_post(plan, **extra):
    data = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    data["mapping_done"] = "on" if plan.mapping_done else ""
    data.update(
        {
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(extra)
    return data


def test_safety_plan_is_finalised_immutable_revised_and_printed(client, full_case, lead, tmp_path):
    signed_in(client, lead)
    client.post(reverse("risk:plan_start", args=[full_case.pk]))
    plan = SafetyPlan.objects.get(case=full_case)
    url = reverse("risk:plan", args=[full_case.pk, plan.pk])
    response = client.post(
        url,
        plan_post(
            plan,
            **{
                "actions-0-action": "Panic alarm fitted",
                "actions-0-owner": "Police",
                "actions-0-review_on": "2026-12-01",
                "finalise": "",
            },
        ),
    )
    assert response.url == url
    plan.refresh_from_db()
    assert plan.is_final and plan.actions.get().action == "Panic alarm fitted"
    refused = client.post(url, plan_post(plan, catalyst="changed"))
    assert refused.status_code == 409
    plan.refresh_from_db()
    assert plan.catalyst == "He hit the baby"

    pdf = client.get(reverse("risk:plan_pdf", args=[full_case.pk, plan.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Pat Perpetrator-Test" in text and "OFFICIAL-SENSITIVE" in text
    assert "Generated for Lena Lead" in text and "Panic alarm fitted" in text
    assert AccessEvent.objects.filter(
        user=lead, object_kind="safety_plan", action="download-pdf"
    ).exists()

    response = client.post(
        reverse("risk:plan_revise", args=[full_case.pk, plan.pk]), {"reason": "Moved house"}
    )
    new = SafetyPlan.objects.get(case=full_case, version=2)
    assert response.url == reverse("risk:plan", args=[full_case.pk, new.pk])
    assert new.supersedes == plan and new.actions.get().action == "Panic alarm fitted"


def test_assessment_and_plan_pages_have_bounded_queries(
    client, full_case, lead, dash, django_assert_max_num_queries
):
    signed_in(client, lead)
    with django_assert_max_num_queries(25):
        assert (
            client.get(reverse("risk:assessment", args=[full_case.pk, dash.pk])).status_code == 200
        )
    draft = services.assessment_start(
        acting_user=lead, case=full_case, code="mpa_survivor_indicators"
    )
    with CaptureQueriesContext(connection) as form_queries:
        assert (
            client.get(reverse("risk:assessment", args=[full_case.pk, draft.pk])).status_code == 200
        )
    assert len(form_queries) <= 25
    services.safety_plan_start(acting_user=lead, case=full_case)
    plan = SafetyPlan.objects.get(case=full_case)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("risk:plan", args=[full_case.pk, plan.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("risk:overview", args=[full_case.pk])).status_code == 200


def test_an_autosave_of_one_answer_writes_only_that_answer(client, case, lead, dash):
    signed_in(client, lead)
    url = reverse("risk:autosave", args=[case.pk, dash.pk])
    client.post(url, form_data(dash, {1: "yes"}))
    with CaptureQueriesContext(connection) as queries:
        client.post(url, form_data(dash, {1: "yes", 2: "no"}))
    updates = [q for q in queries if q["sql"].startswith('UPDATE "risk_answer"')]
    assert len(updates) == 1
