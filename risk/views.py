"""Risk pages. Cases come through cases.access; assessments, Stage 2 and safety plans
through their for_user(). The survivor's DASH, indicators, Stage 2 and safety plan need
full scope; a perpetrator-side worker reaches only the perpetrator assessments they
completed themselves."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit.events import record_view
from cases import access
from cases.access import CHANGE, get_case
from risk import services
from risk.charts import risk_chart
from risk.forms import (
    AssessmentForm,
    CorrectionForm,
    SafetyActionFormSet,
    SafetyPlanForm,
    Stage2Form,
    StartAssessmentForm,
    StepForm,
)
from risk.models import Assessment, QuestionSet, SafetyPlan, Stage2Decision, Stage2Step
from risk.pdf import render_pdf


def _assessment(request, case, assessment_pk, *, perm="view"):
    queryset = Assessment.objects.for_user(request.user, perm=perm).filter(case=case)
    return get_object_or_404(
        queryset.select_related("question_set", "subject", "created_by", "submitted_by"),
        pk=assessment_pk,
    )


@require_http_methods(["GET"])
def overview(request, pk):
    """Risk on one case: level and criteria, the history chart, assessments, Stage 2
    decisions and safety plans, as far as the user's scope allows."""
    case = get_case(request, pk)
    case_access = access.access_for(request.user, case)
    assessments = list(
        Assessment.objects.for_user(request.user)
        .filter(case=case)
        .select_related("question_set", "subject", "created_by", "superseded_by")
        .order_by("-created_at")
    )
    dash_history = sorted(
        (a for a in assessments if a.is_dash and a.is_submitted), key=lambda a: a.submitted_at
    )
    context = {
        "case": case,
        "access": case_access,
        "assessments": assessments,
        "chart": risk_chart(dash_history),
        "dash_history": dash_history,
        "sets": QuestionSet.Code,
    }
    if case_access.full_scope:
        context["decisions"] = list(
            Stage2Decision.objects.for_user(request.user)
            .filter(case=case)
            .prefetch_related("steps")[:10]
        )
        context["plans"] = list(
            SafetyPlan.objects.for_user(request.user).filter(case=case).select_related("created_by")
        )
    record_view(request, case, kind="risk", access=case_access)
    return render(request, "risk/overview.html", context)


@require_http_methods(["GET", "POST"])
def start(request, pk, code):
    if code not in QuestionSet.Code.values:
        raise Http404
    # Only the perpetrator assessment is open to a perpetrator-side worker.
    case = get_case(request, pk, perm=CHANGE, full_scope=code != QuestionSet.Code.MPA_PERPETRATOR)
    question_set = QuestionSet.current(code)
    form = (
        StartAssessmentForm(request.POST or None, case=case)
        if question_set.about_perpetrator
        else None
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        assessment = services.assessment_start(
            acting_user=request.user,
            case=case,
            code=code,
            subject=form.cleaned_data["subject"] if form else None,
        )
        return redirect("risk:assessment", pk=case.pk, assessment_pk=assessment.pk)
    return render(
        request, "risk/start.html", {"case": case, "form": form, "question_set": question_set}
    )


def _assessment_form(request, assessment, data=None):
    answers = list(assessment.answers.select_related("question"))
    return AssessmentForm(data, assessment=assessment, answers=answers)


@require_http_methods(["GET", "POST"])
def assessment(request, pk, assessment_pk):
    """A draft is a form (saved as the worker goes); a submitted assessment is a record.
    POSTing to a submitted one is refused and changes nothing."""
    case = get_case(request, pk)
    item = _assessment(request, case, assessment_pk)
    if request.method == "POST":
        if item.is_submitted:
            return render(
                request, "risk/immutable.html", {"case": case, "assessment": item}, status=409
            )
        get_case(request, pk, perm=CHANGE)
        form = _assessment_form(request, item, request.POST)
        if form.is_valid():
            services.assessment_save(
                acting_user=request.user,
                assessment=item,
                answers=form.answer_data(),
                fields=form.extra_fields(),
            )
            if "submit" in request.POST:
                try:
                    services.assessment_submit(acting_user=request.user, assessment=item)
                except services.Incomplete as incomplete:
                    for error in incomplete.errors:
                        form.add_error(None, error)
                else:
                    messages.success(request, f"{item.question_set.title} submitted.")
                    if item.is_dash:
                        return redirect("risk:stage2", pk=case.pk)
                    return redirect("risk:overview", pk=case.pk)
            else:
                messages.success(request, "Draft saved.")
                return redirect("risk:assessment", pk=case.pk, assessment_pk=item.pk)
    else:
        form = _assessment_form(request, item)
    record_view(request, case, kind="assessment", object_id=item.pk)
    template = "risk/assessment_detail.html" if item.is_submitted else "risk/assessment_form.html"
    return render(request, template, {"case": case, "assessment": item, "form": form})


@require_POST
def autosave(request, pk, assessment_pk):
    """htmx: save the draft as the worker goes; answers with a small status line."""
    case = get_case(request, pk, perm=CHANGE)
    item = _assessment(request, case, assessment_pk, perm=CHANGE)
    form = _assessment_form(request, item, request.POST)
    if item.is_submitted or not form.is_valid():
        return HttpResponse(
            '<span class="text-danger">Not saved</span>', status=409 if item.is_submitted else 400
        )
    saved = services.assessment_save(
        acting_user=request.user,
        assessment=item,
        answers=form.answer_data(),
        fields=form.extra_fields(),
    )
    return render(request, "risk/_autosaved.html", {"assessment": saved})


@require_http_methods(["GET", "POST"])
def correct(request, pk, assessment_pk):
    case = get_case(request, pk, perm=CHANGE)
    item = _assessment(request, case, assessment_pk, perm=CHANGE)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.assessment_correct(
                acting_user=request.user, assessment=item, reason=form.cleaned_data["reason"]
            )
        except services.Immutable as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.info(
                request,
                "A new version has been started from the original. Submit it to replace the original.",
            )
            return redirect("risk:assessment", pk=case.pk, assessment_pk=draft.pk)
    return render(
        request,
        "cases/form.html",
        {"case": case, "form": form, "title": "Correct a submitted assessment"},
    )


@require_http_methods(["GET", "POST"])
def stage2(request, pk):
    """Asked after a disclosure or an assessment: is there an immediate risk to life?"""
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    form = Stage2Form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = services.stage2_decide(
            acting_user=request.user, case=case, immediate_risk=form.cleaned_data["immediate_risk"]
        )
        if decision.immediate_risk:
            messages.warning(request, "Immediate risk recorded. Work through the steps below now.")
        else:
            messages.success(
                request, "DART referral and the two-week MARAC meeting added to the case tasks."
            )
        return redirect("risk:overview", pk=case.pk)
    return render(request, "risk/stage2.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
def stage2_step(request, pk, step_pk):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    step = get_object_or_404(
        Stage2Step.objects.for_user(request.user, perm=CHANGE).filter(decision__case=case),
        pk=step_pk,
    )
    form = StepForm(request.POST or None, initial={"outcome": step.outcome})
    if request.method == "POST" and form.is_valid():
        services.stage2_record_step(
            acting_user=request.user, step=step, outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, "Step recorded.")
        return redirect("risk:overview", pk=case.pk)
    return render(
        request, "cases/form.html", {"case": case, "form": form, "title": step.get_step_display()}
    )


@require_POST
def plan_start(request, pk):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    plan = services.safety_plan_start(acting_user=request.user, case=case)
    return redirect("risk:plan", pk=case.pk, plan_pk=plan.pk)


def _plan(request, case, plan_pk, perm="view"):
    return get_object_or_404(
        SafetyPlan.objects.for_user(request.user, perm=perm).filter(case=case), pk=plan_pk
    )


@require_http_methods(["GET", "POST"])
def plan(request, pk, plan_pk):
    case = get_case(request, pk, full_scope=True)
    item = _plan(request, case, plan_pk)
    actions = [
        {"action": a.action, "owner": a.owner, "review_on": a.review_on} for a in item.actions.all()
    ]
    if item.is_final:
        if request.method == "POST":
            return render(request, "risk/immutable.html", {"case": case, "plan": item}, status=409)
        record_view(request, case, kind="safety_plan", object_id=item.pk)
        return render(request, "risk/plan_detail.html", {"case": case, "plan": item})
    form = SafetyPlanForm(request.POST or None, instance=item)
    formset = SafetyActionFormSet(request.POST or None, initial=actions, prefix="actions")
    if request.method == "POST":
        get_case(request, pk, perm=CHANGE, full_scope=True)
        if form.is_valid() and formset.is_valid():
            rows = [
                {k: f.cleaned_data[k] for k in ("action", "owner", "review_on")}
                for f in formset
                if f.cleaned_data
                and not f.cleaned_data.get("DELETE")
                and f.cleaned_data.get("action")
            ]
            services.safety_plan_save(
                acting_user=request.user, plan=item, data=form.cleaned_data, actions=rows
            )
            if "finalise" in request.POST:
                services.safety_plan_finalise(acting_user=request.user, plan=item)
                messages.success(request, f"Safety plan version {item.version} is final.")
                return redirect("risk:plan", pk=case.pk, plan_pk=item.pk)
            messages.success(request, "Draft saved.")
            return redirect("risk:plan", pk=case.pk, plan_pk=item.pk)
    record_view(request, case, kind="safety_plan", object_id=item.pk, action="edit-form")
    return render(
        request,
        "risk/plan_form.html",
        {"case": case, "plan": item, "form": form, "formset": formset},
    )


@require_http_methods(["GET", "POST"])
def plan_revise(request, pk, plan_pk):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    item = _plan(request, case, plan_pk, perm=CHANGE)
    form = CorrectionForm(request.POST or None)
    form.fields["reason"].label = "Why is the plan changing?"
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.safety_plan_revise(
                acting_user=request.user, plan=item, reason=form.cleaned_data["reason"]
            )
        except services.Immutable as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("risk:plan", pk=case.pk, plan_pk=draft.pk)
    return render(
        request,
        "cases/form.html",
        {"case": case, "form": form, "title": "Start a new version of the safety plan"},
    )


@require_http_methods(["GET"])
def plan_pdf(request, pk, plan_pk):
    case = get_case(request, pk, full_scope=True)
    item = _plan(request, case, plan_pk)
    pdf = render_pdf(
        "risk/plan_pdf.html",
        {"case": case, "plan": item, "actions": list(item.actions.all())},
        generated_for=request.user,
    )
    record_view(request, case, kind="safety_plan", object_id=item.pk, action="download-pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{case.reference}-safety-plan-v{item.version}.pdf"'
    )
    return response
