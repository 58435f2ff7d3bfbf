"""Writes on assessments, Stage 2 decisions and safety plans.

Callers fetch the case through cases.access first. Submitted assessments and final
safety plans are immutable: these services refuse to change them (Immutable), and a
correction is a new version that supersedes the old one with a reason.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseTask, Person
from risk import scoring
from risk.models import (
    Answer,
    Assessment,
    QuestionSet,
    SafetyAction,
    SafetyPlan,
    Stage2Decision,
    Stage2Step,
)


class Immutable(Exception):
    """A submitted assessment or final safety plan cannot be changed."""


class Incomplete(Exception):
    """The record cannot be submitted yet; `errors` says what is missing."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@transaction.atomic
def assessment_start(
    *, acting_user, case: Case, code: str, subject: Person | None = None
) -> Assessment:
    question_set = QuestionSet.current(code)
    assessment = Assessment.objects.create(
        case=case, question_set=question_set, subject=subject, created_by=acting_user
    )
    Answer.objects.bulk_create(
        [Answer(assessment=assessment, question=q) for q in question_set.questions.all()]
    )
    return assessment


@transaction.atomic
def assessment_save(
    *, acting_user, assessment: Assessment, answers: dict, fields: dict
) -> Assessment:
    """Save a draft: answers maps question id -> {"value", "source", "comment"}; fields
    holds the DASH extras (police_incidents, judgement_level, judgement_reason)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_submitted:
        raise Immutable("This assessment has been submitted and cannot be changed.")
    rows = {a.question_id: a for a in locked.answers.all()}
    changed = []
    for question_id, data in answers.items():
        row = rows.get(question_id)
        if row is None:
            continue
        new = {
            name: data.get(name, getattr(row, name)) or ""
            for name in ("value", "source", "comment")
        }
        if any(getattr(row, name) != value for name, value in new.items()):
            for name, value in new.items():
                setattr(row, name, value)
            changed.append(row)
    # Only the answers that changed, one by one so the audit trail records each change
    # (bulk_update sends no signals); an autosave of one click writes one row.
    for row in changed:
        row.save(update_fields=["value", "source", "comment"])
    for name in ("police_incidents", "judgement_level", "judgement_reason"):
        if name in fields:
            setattr(locked, name, fields[name])
    locked.save()
    return locked


def assessment_problems(assessment: Assessment) -> list[str]:
    answers = list(assessment.answers.select_related("question"))
    missing = [a.question.number for a in answers if not a.value]
    problems = []
    if missing:
        problems.append(
            "Answer every question (Don't know is an answer). Unanswered: "
            + ", ".join(map(str, missing))
        )
    if assessment.question_set.about_perpetrator and assessment.subject_id is None:
        problems.append("Choose the perpetrator or associate this is about.")
    if assessment.is_dash:
        error = scoring.judgement_error(
            scoring.yes_count([a.value for a in answers]),
            assessment.judgement_level,
            assessment.judgement_reason,
        )
        if error:
            problems.append(error)
    return problems


@transaction.atomic
def assessment_submit(*, acting_user, assessment: Assessment) -> Assessment:
    """Fix the assessment for ever; for a DASH, score it and update the case."""
    assessment = (
        Assessment.objects.select_for_update().select_related("question_set").get(pk=assessment.pk)
    )
    if assessment.is_submitted:
        raise Immutable("This assessment has already been submitted.")
    problems = assessment_problems(assessment)
    if problems:
        raise Incomplete(problems)
    if assessment.is_dash:
        result = scoring.score(
            list(assessment.answers.values_list("value", flat=True)),
            judgement_level=assessment.judgement_level,
            police_incidents=assessment.police_incidents,
        )
        assessment.yes_count = result.yes_count
        assessment.level = result.level
        assessment.criteria = result.criteria
        case = Case.objects.select_for_update().get(pk=assessment.case_id)
        case.risk_level = result.level
        case.risk_criteria = result.criteria
        case.version += 1
        case.save(update_fields=["risk_level", "risk_criteria", "version", "updated_at"])
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_by = acting_user
    assessment.submitted_at = timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def assessment_correct(*, acting_user, assessment: Assessment, reason: str) -> Assessment:
    """A new draft that will supersede `assessment`, starting from its answers. The
    original stays exactly as it was."""
    original = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not original.is_submitted:
        raise Immutable("Only a submitted assessment can be corrected; edit the draft instead.")
    if hasattr(original, "superseded_by"):
        raise Immutable("This assessment has already been corrected; correct the newer version.")
    draft = Assessment.objects.create(
        case=original.case,
        question_set=original.question_set,
        subject=original.subject,
        created_by=acting_user,
        supersedes=original,
        supersede_reason=reason,
        police_incidents=original.police_incidents,
        judgement_level=original.judgement_level,
        judgement_reason=original.judgement_reason,
    )
    Answer.objects.bulk_create(
        [
            Answer(
                assessment=draft,
                question_id=a.question_id,
                value=a.value,
                source=a.source,
                comment=a.comment,
            )
            for a in original.answers.all()
        ]
    )
    return draft


@transaction.atomic
def stage2_decide(
    *, acting_user, case: Case, immediate_risk: bool, after: str = ""
) -> Stage2Decision:
    """Stage 2. Yes: the guided immediate-risk steps. No: the DART referral and the MARAC
    or multi-agency meeting within two weeks, as case tasks; the case is flagged AMP."""
    decision = Stage2Decision.objects.create(
        case=case, immediate_risk=immediate_risk, decided_by=acting_user, after=after
    )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    today = timezone.localdate()
    if immediate_risk:
        steps = [Stage2Step.Step.POLICE]
        if Person.objects.filter(case=case, role=Person.Role.CHILD).exists():
            steps.append(Stage2Step.Step.CHILDRENS_SOCIAL_CARE)
        steps.append(Stage2Step.Step.REFUGE)
        Stage2Step.objects.bulk_create([Stage2Step(decision=decision, step=s) for s in steps])
        locked.immediate_risk = True
    else:
        CaseTask.objects.create(
            case=case,
            title="Refer to DART with the DASH RIC and the multiple-perpetrator safety plan",
            due_on=today,
            assignee=acting_user,
            created_by=acting_user,
        )
        CaseTask.objects.create(
            case=case,
            title="MARAC or multi-agency meeting, no more than two weeks after the DART referral",
            due_on=today + timedelta(days=settings.MARAC_MEETING_WITHIN_DAYS),
            assignee=acting_user,
            created_by=acting_user,
        )
        locked.at_risk_from_multiple_perpetrators = True
        locked.immediate_risk = False
    locked.version += 1
    locked.save(
        update_fields=[
            "immediate_risk",
            "at_risk_from_multiple_perpetrators",
            "version",
            "updated_at",
        ]
    )
    return decision


@transaction.atomic
def stage2_record_step(*, acting_user, step: Stage2Step, outcome: str) -> Stage2Step:
    step.outcome = outcome
    step.done_at = timezone.now()
    step.recorded_by = acting_user
    step.save()
    return step


PLAN_FIELDS = [
    "anyone_knows",
    "who_knows",
    "anyone_suspects",
    "who_might_suspect",
    "expected_outcome",
    "catalyst",
    "dash_rating",
    "mapping_done",
    "perpetrator_name",
    "perpetrator_nicknames",
    "associates",
    "can_contact_safely",
    "contact_arrangements",
    "has_safe_accommodation",
    "accommodation_details",
    "change_of_name_needed",
    "change_of_name_details",
]


def _names(person: Person) -> str:
    aliases = ", ".join(a.name for a in person.aliases.all())
    return f"{person.name}{f' ({aliases})' if aliases else ''}"


def plan_prefill(case: Case) -> dict:
    """What the case already knows, for a first safety plan."""
    data = {}
    disclosure = case.disclosures.order_by("-disclosed_on", "-created_at").first()
    if disclosure:
        data.update(
            who_knows=disclosure.who_knows,
            anyone_knows="yes" if disclosure.who_knows else "",
            who_might_suspect=disclosure.who_might_suspect,
            anyone_suspects="yes" if disclosure.who_might_suspect else "",
            expected_outcome=disclosure.expected_outcome,
            catalyst=disclosure.catalyst,
        )
    dash = (
        Assessment.objects.filter(case=case, question_set__code=QuestionSet.Code.DASH)
        .current()
        .order_by("-submitted_at")
        .first()
    )
    if dash:
        data["dash_rating"] = (
            f"{dash.get_level_display()} ({dash.yes_count} of 24 Yes, {timezone.localtime(dash.submitted_at):%d %b %Y})"
        )
    people = list(case.people.prefetch_related("aliases"))
    perpetrator = next((p for p in people if p.role == Person.Role.PRIMARY_PERPETRATOR), None)
    if perpetrator:
        data["perpetrator_name"] = perpetrator.name
        data["perpetrator_nicknames"] = ", ".join(a.name for a in perpetrator.aliases.all())
    associates = [p for p in people if p.role == Person.Role.ASSOCIATE]
    data["associates"] = "\n".join(_names(p) for p in associates)
    data["mapping_done"] = bool(associates)
    safe_contact = getattr(case, "safe_contact", None)
    if safe_contact:
        data["can_contact_safely"] = {"yes": "yes", "no": "no"}.get(safe_contact.can_contact, "")
        data["contact_arrangements"] = "\n".join(
            part
            for part in [
                safe_contact.how,
                safe_contact.safe_times and f"Safe times: {safe_contact.safe_times}",
                safe_contact.never and f"Never: {safe_contact.never}",
            ]
            if part
        )
    return data


@transaction.atomic
def safety_plan_start(*, acting_user, case: Case) -> SafetyPlan:
    """A draft plan: pre-filled from the case, or from the current plan when revising."""
    draft = SafetyPlan.objects.filter(case=case, status=SafetyPlan.Status.DRAFT).first()
    if draft:
        return draft
    latest = SafetyPlan.objects.filter(case=case).order_by("-version").first()
    return SafetyPlan.objects.create(
        case=case,
        version=(latest.version + 1) if latest else 1,
        created_by=acting_user,
        **plan_prefill(case),
    )


@transaction.atomic
def safety_plan_save(
    *, acting_user, plan: SafetyPlan, data: dict, actions: list[dict]
) -> SafetyPlan:
    locked = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.is_final:
        raise Immutable("This safety plan is final and cannot be changed. Start a new version.")
    for name in PLAN_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    locked.save()
    locked.actions.all().delete()
    SafetyAction.objects.bulk_create([SafetyAction(plan=locked, **a) for a in actions])
    return locked


@transaction.atomic
def safety_plan_finalise(*, acting_user, plan: SafetyPlan) -> SafetyPlan:
    locked = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.is_final:
        raise Immutable("This safety plan is already final.")
    previous = SafetyPlan.objects.current().filter(case=locked.case).exclude(pk=locked.pk).first()
    if previous and locked.supersedes_id is None:
        locked.supersedes = previous
    locked.status = SafetyPlan.Status.FINAL
    locked.finalised_by = acting_user
    locked.finalised_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def safety_plan_revise(*, acting_user, plan: SafetyPlan, reason: str) -> SafetyPlan:
    """A new draft version copying a final plan and its actions."""
    original = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    if not original.is_final:
        raise Immutable("Only a final plan is revised; edit the draft instead.")
    if (
        hasattr(original, "superseded_by")
        or SafetyPlan.objects.filter(case=original.case, status=SafetyPlan.Status.DRAFT).exists()
    ):
        raise Immutable("A newer version of this plan already exists.")
    latest = SafetyPlan.objects.filter(case=original.case).order_by("-version").first()
    draft = SafetyPlan.objects.create(
        case=original.case,
        version=latest.version + 1,
        created_by=acting_user,
        supersedes=original,
        supersede_reason=reason,
        **{name: getattr(original, name) for name in PLAN_FIELDS},
    )
    SafetyAction.objects.bulk_create(
        [
            SafetyAction(plan=draft, action=a.action, owner=a.owner, review_on=a.review_on)
            for a in original.actions.all()
        ]
    )
    return draft
