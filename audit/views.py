"""Audit review (managers and auditors) and the case's decision log and sharing records.

Review pages show ids, names of staff, case references and what happened — never case
content; auditors never reach a case page (they are never named on cases). Viewing the
audit trail is itself recorded.
"""

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.views import role_required
from audit import review, services
from audit.events import record_review, record_view
from audit.forms import DecisionForm, EventFilterForm, SharingForm, SignOffForm
from audit.models import DecisionLogEntry, ReviewFlag, SharingRecord
from cases.access import CHANGE, get_case
from cases.models import Case
from config.pagination import CappedPaginator

reviewers_only = role_required(*review.REVIEWERS)
PAGE_SIZE = 50


def _filtered(request):
    form = EventFilterForm(request.GET or None, reviewer=request.user)
    events = form.filter(review.reviewable_events(request.user))
    return form, events.select_related("user__agency")


def _references(events) -> dict[int, str]:
    ids = {e.case_id for e in events if e.case_id}
    return dict(Case.objects.filter(pk__in=ids).values_list("pk", "reference"))


@reviewers_only
@require_http_methods(["GET"])
def events(request):
    form, queryset = _filtered(request)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    flags = {}
    for flag in ReviewFlag.objects.filter(event__in=[e.pk for e in rows]):
        flags.setdefault(flag.event_id, []).append(flag)
    record_review(request, "review-events")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "rows": [(e, flags.get(e.pk, [])) for e in rows],
            "references": _references(rows),
            "query": query.urlencode(),
        },
    )


class Echo:
    def write(self, value):
        return value


@reviewers_only
@require_http_methods(["GET"])
def export(request):
    """The filtered events as CSV, streamed; the export itself is recorded."""
    _, queryset = _filtered(request)
    record_review(request, "export-csv")
    references = dict(
        Case.objects.values_list("pk", "reference").filter(pk__in=queryset.values("case_id"))
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(
            [
                "time",
                "user",
                "agency",
                "case",
                "object",
                "object id",
                "action",
                "outcome",
                "break-glass",
                "ip",
            ]
        )
        for e in queryset.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(e.at).isoformat(timespec="seconds"),
                    e.user.full_name,
                    e.user.agency.name if e.user.agency else "",
                    references.get(e.case_id, ""),
                    e.object_kind,
                    e.object_id or "",
                    e.action,
                    e.outcome,
                    "yes" if e.break_glass else "",
                    e.ip_address or "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="harbour-access-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response


@reviewers_only
@require_http_methods(["GET"])
def queue(request):
    flags = review.reviewable_flags(request.user).select_related("event__user", "signed_off_by")
    status = request.GET.get("status", "open")
    if status == "open":
        flags = flags.filter(signed_off_at__isnull=True)
    elif status == "done":
        flags = flags.filter(signed_off_at__isnull=False)
    kind = request.GET.get("kind", "")
    if kind in ReviewFlag.Kind.values:
        flags = flags.filter(kind=kind)
    page = CappedPaginator(flags.order_by("-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_review(request, "review-queue")
    return render(
        request,
        "audit/queue.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "kinds": ReviewFlag.Kind.choices,
            "references": _references([f.event for f in page]),
            "query": f"status={status}&kind={kind}",
        },
    )


@reviewers_only
@require_http_methods(["GET", "POST"])
def flag(request, flag_pk):
    item = get_object_or_404(
        review.reviewable_flags(request.user).select_related("event__user"), pk=flag_pk
    )
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and not item.signed_off_at and form.is_valid():
        item.signed_off_by = request.user
        item.signed_off_at = timezone.now()
        item.comment = form.cleaned_data["comment"]
        item.save(update_fields=["signed_off_by", "signed_off_at", "comment"])
        messages.success(request, "Signed off.")
        return redirect("audit:queue")
    record_review(request, "review-flag")
    return render(
        request,
        "audit/flag.html",
        {
            "flag": item,
            "form": form,
            "reference": _references([item.event]).get(item.event.case_id),
        },
    )


@role_required(*review.REVIEWERS)
@require_http_methods(["GET"])
def retention(request):
    """Closed cases past their retention period, due for a review (delete or keep)."""
    from cases.access import allocation_for

    years = settings.RETENTION_YEARS_AFTER_CLOSURE
    cutoff = timezone.now() - timedelta(days=365 * years)
    cases = Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=cutoff)
    if not request.user.has_role(Role.AUDITOR):
        cases = cases.filter(pk__in=allocation_for(request.user).values("pk"))
    page = Paginator(cases.select_related("lead").order_by("closed_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_review(request, "retention")
    return render(request, "audit/retention.html", {"page": page, "years": years})


# --- On a case: the decision log and the sharing records ---------------------------------


@require_http_methods(["GET"])
def decisions(request, pk):
    case = get_case(request, pk, full_scope=True)
    entries = (
        DecisionLogEntry.objects.for_user(request.user)
        .filter(case=case)
        .select_related("made_by", "corrects")
        .prefetch_related("corrections")
    )
    kind = request.GET.get("kind", "")
    if kind in DecisionLogEntry.Kind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, case, kind="decisions")
    return render(
        request,
        "audit/decisions.html",
        {
            "case": case,
            "page": page,
            "kind": kind,
            "kinds": DecisionLogEntry.Kind.choices,
            "query": f"kind={kind}",
        },
    )


@require_http_methods(["GET", "POST"])
def decision_add(request, pk, corrects_pk=None):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    corrects = None
    if corrects_pk:
        corrects = get_object_or_404(
            DecisionLogEntry.objects.for_user(request.user).filter(case=case), pk=corrects_pk
        )
    initial = {"kind": corrects.kind, "decision": corrects.decision} if corrects else {}
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.decision_record(
            acting_user=request.user, case=case, corrects=corrects, **form.cleaned_data
        )
        messages.success(request, "Decision recorded.")
        return redirect("records:decisions", pk=case.pk)
    title = "Correct a decision (a new entry)" if corrects else "Record a decision"
    return render(
        request,
        "audit/decision_form.html",
        {"case": case, "form": form, "title": title, "corrects": corrects},
    )


@require_http_methods(["GET"])
def sharing(request, pk):
    case = get_case(request, pk, full_scope=True)
    records = (
        SharingRecord.objects.for_user(request.user)
        .filter(case=case)
        .select_related("agency", "shared_by", "decision")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, case, kind="sharing")
    return render(request, "audit/sharing.html", {"case": case, "page": page, "query": ""})


@require_http_methods(["GET", "POST"])
def sharing_add(request, pk):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    form = SharingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_record(
                acting_user=request.user,
                case=case,
                data=form.record_data(),
                decision=form.decision_data(),
            )
        except services.DecisionRequired as refusal:
            form.add_error("reasons", str(refusal))
        else:
            messages.success(request, "Information sharing recorded (marked as domestic abuse).")
            return redirect("records:sharing", pk=case.pk)
    return render(request, "audit/sharing_form.html", {"case": case, "form": form})
