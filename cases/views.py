"""Case pages. Every case is fetched through cases.access (get_case / get_managed_case)
and every case-scoped model through its for_user(); anything else answers 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, User
from accounts.views import role_required
from audit.events import record_view
from cases import access, services
from cases.access import CHANGE, get_case, get_managed_case
from cases.forms import (
    BreakGlassForm,
    CaseFilterForm,
    CaseForm,
    ChronologyForm,
    CloseCaseForm,
    DisclosureForm,
    ExcludeForm,
    GrantForm,
    PersonForm,
    ReasonForm,
    SafeContactForm,
    SurvivorForm,
    TaskForm,
    WarningForm,
)
from cases.models import (
    Case,
    CaseTask,
    ChronologyEntry,
    Disclosure,
    Notification,
    Person,
    SafeContact,
    WarningMarker,
)
from config.navigation import CASE_WORK

PAGE_SIZE = 25
CHRONOLOGY_ON_CASE_PAGE = 10


@require_http_methods(["GET", "POST"])
def case_list(request):
    visible = Case.objects.visible_to(request.user)
    leads = User.objects.filter(led_cases__in=visible).distinct()
    filters = CaseFilterForm(request.POST or None, leads=leads)
    cases = filters.filter(visible.with_survivor().select_related("lead"))
    page_number = filters.cleaned_data.get("page") if filters.is_bound and filters.is_valid() else 1
    page = Paginator(cases, PAGE_SIZE).get_page(page_number)
    template = "cases/_case_table.html" if request.htmx else "cases/case_list.html"
    return render(request, template, {"filters": filters, "page": page})


@role_required(*CASE_WORK)
@require_http_methods(["GET", "POST"])
def case_create(request):
    """Step 1 looks for the survivor among the cases the user can see; step 2 opens a new
    case only once the worker has seen the possible matches."""
    form = SurvivorForm(request.POST or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = [data.get("given_name"), data.get("family_name"), *form.alias_list()]
        matches = list(
            Case.objects.visible_to(request.user)
            .search_people(names=[n for n in names if n], date_of_birth=data.get("date_of_birth"))
            .with_survivor()[:10]
        )
        if "create" in request.POST:
            try:
                case = services.case_create(
                    acting_user=request.user,
                    survivor=form.save(commit=False),
                    aliases=form.alias_list(),
                )
            except services.AccessRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, f"Case {case.reference} opened.")
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_create.html", {"form": form, "matches": matches})


@require_http_methods(["GET"])
def case_detail(request, pk):
    case = get_case(request, pk)
    case_access = access.access_for(request.user, case)
    people = (
        Person.objects.for_user(request.user)
        .filter(case=case)
        .prefetch_related(
            "aliases",
            Prefetch(
                "warnings",
                WarningMarker.objects.for_user(request.user).filter(removed_at__isnull=True),
            ),
        )
    )
    context = {
        "case": case,
        "access": case_access,
        "people": sorted(people, key=lambda p: (p.display_rank, p.pk)),
        "tasks": list(
            CaseTask.objects.for_user(request.user).filter(case=case).select_related("assignee")
        ),
    }
    if case_access.full_scope:
        context["safe_contact"] = (
            SafeContact.objects.for_user(request.user).filter(case=case).first()
        )
        context["disclosures"] = list(
            Disclosure.objects.for_user(request.user).filter(case=case).select_related("taken_by")
        )
        context["chronology"] = list(
            ChronologyEntry.objects.for_user(request.user)
            .filter(case=case)
            .select_related("recorded_by")[:CHRONOLOGY_ON_CASE_PAGE]
        )
    record_view(request, case, kind="case", object_id=case.pk, access=case_access)
    return render(request, "cases/case_detail.html", context)


def _conflict(request, case, form, current, title):
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        theirs = getattr(current, name)
        yours = form.cleaned_data.get(name)
        # Show choices as people read them ("High", not "high").
        labels = (
            dict(getattr(field, "choices", None) or []) if not hasattr(field, "queryset") else {}
        )
        rows.append(
            {
                "label": field.label or name,
                "yours": labels.get(yours, yours),
                "theirs": labels.get(theirs, theirs),
                "differs": yours != theirs,
            }
        )
    return render(
        request,
        "cases/conflict.html",
        {"case": case, "rows": rows, "title": title, "back": request.path},
        status=409,
    )


def _form_page(request, case, form, title, **extra):
    return render(request, "cases/form.html", {"case": case, "form": form, "title": title, **extra})


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = get_case(request, pk, perm=CHANGE)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                acting_user=request.user,
                case=form.instance,
                expected_version=form.expected_version(),
            )
        except services.VersionConflict as conflict:
            return _conflict(request, case, form, conflict.current, "Case details")
        messages.success(request, "Case details saved.")
        return redirect("cases:detail", pk=case.pk)
    record_view(request, case, kind="case", object_id=case.pk, action="edit-form")
    return _form_page(request, case, form, "Case details")


@require_http_methods(["GET", "POST"])
def case_close(request, pk):
    case = get_case(request, pk, perm=CHANGE)
    form = CloseCaseForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            if case.is_open:
                services.case_close(
                    acting_user=request.user,
                    case=case,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                    **form.decision_extras(),
                )
            else:
                services.case_reopen(
                    acting_user=request.user,
                    case=case,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                    **form.decision_extras(),
                )
        except services.VersionConflict:
            messages.error(
                request,
                "Someone changed the case while you were reading it. Check it and try again.",
            )
        else:
            messages.success(
                request, f"Case {case.reference} {'closed' if not case.is_open else 'reopened'}."
            )
        return redirect("cases:detail", pk=case.pk)
    title = "Close the case" if case.is_open else "Reopen the case"
    if not case.is_open:
        form.fields["reason"].label = "Why is the case reopening?"
    return _form_page(request, case, form, title, danger=case.is_open)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk, person_pk=None):
    case = get_case(request, pk, perm=CHANGE)
    case_access = access.access_for(request.user, case)
    if person_pk is None:
        person = Person(case=case)
    else:
        person = get_object_or_404(
            Person.objects.for_user(request.user, perm=CHANGE).filter(case=case), pk=person_pk
        )
    if person.is_survivor and not case_access.full_scope:
        return _restricted(request, case)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_save(
                acting_user=request.user,
                person=form.instance,
                aliases=form.alias_list(),
                expected_version=form.expected_version(),
            )
        except services.VersionConflict as conflict:
            return _conflict(request, case, form, conflict.current, "Person")
        messages.success(request, f"{form.instance.name} saved.")
        return redirect("cases:detail", pk=case.pk)
    if person.pk:
        record_view(
            request,
            case,
            kind="person",
            object_id=person.pk,
            action="edit-form",
            access=case_access,
        )
    return _form_page(request, case, form, "Edit person" if person.pk else "Add a person")


def _restricted(request, case):
    return render(request, "cases/restricted.html", {"case": case}, status=404)


@require_http_methods(["GET", "POST"])
def warning_add(request, pk, person_pk):
    case = get_case(request, pk, perm=CHANGE)
    person = get_object_or_404(
        Person.objects.for_user(request.user, perm=CHANGE).filter(case=case), pk=person_pk
    )
    form = WarningForm(request.POST or None, instance=WarningMarker(person=person))
    if request.method == "POST" and form.is_valid():
        services.warning_add(acting_user=request.user, marker=form.instance)
        messages.success(request, "Warning marker added.")
        return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, form, f"Add a warning marker: {person.name}")


@require_http_methods(["GET", "POST"])
def warning_remove(request, pk, warning_pk):
    case = get_case(request, pk, perm=CHANGE)
    marker = get_object_or_404(
        WarningMarker.objects.for_user(request.user, perm=CHANGE).filter(
            person__case=case, removed_at__isnull=True
        ),
        pk=warning_pk,
    )
    if request.method == "POST":
        services.warning_remove(acting_user=request.user, marker=marker)
        messages.success(request, "Warning marker removed.")
        return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/confirm.html",
        {
            "case": case,
            "title": f"Remove the “{marker.get_kind_display()}” marker?",
            "button": "Remove marker",
        },
    )


@require_http_methods(["GET", "POST"])
def disclosure_edit(request, pk, disclosure_pk=None):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    if disclosure_pk is None:
        disclosure = Disclosure(case=case, taken_by=request.user, disclosed_on=timezone.localdate())
    else:
        disclosure = get_object_or_404(
            Disclosure.objects.for_user(request.user, perm=CHANGE).filter(case=case),
            pk=disclosure_pk,
        )
    form = DisclosureForm(request.POST or None, instance=disclosure)
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_save(
                acting_user=request.user,
                disclosure=form.instance,
                expected_version=form.expected_version(),
            )
        except services.VersionConflict as conflict:
            return _conflict(request, case, form, conflict.current, "Disclosure")
        messages.success(request, "Disclosure saved.")
        if disclosure_pk is None:
            # Stage 2 follows a new disclosure: is there an immediate risk to life?
            return redirect("risk:stage2", pk=case.pk)
        return redirect("cases:detail", pk=case.pk)
    if disclosure.pk:
        record_view(request, case, kind="disclosure", object_id=disclosure.pk, action="edit-form")
    return _form_page(request, case, form, "Disclosure (Stage 1)")


@require_http_methods(["GET", "POST"])
def safe_contact_edit(request, pk):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    safe_contact = SafeContact.objects.for_user(request.user, perm=CHANGE).filter(case=case).first()
    form = SafeContactForm(request.POST or None, instance=safe_contact or SafeContact(case=case))
    if request.method == "POST" and form.is_valid():
        try:
            services.safe_contact_save(
                acting_user=request.user,
                safe_contact=form.instance,
                expected_version=form.expected_version(),
            )
        except services.VersionConflict as conflict:
            return _conflict(request, case, form, conflict.current, "Safe contact")
        messages.success(request, "Safe-contact details saved.")
        return redirect("cases:detail", pk=case.pk)
    if safe_contact:
        record_view(
            request, case, kind="safe_contact", object_id=safe_contact.pk, action="edit-form"
        )
    return _form_page(request, case, form, "Safe contact")


@require_http_methods(["GET"])
def chronology(request, pk):
    case = get_case(request, pk, full_scope=True)
    entries = (
        ChronologyEntry.objects.for_user(request.user)
        .filter(case=case)
        .select_related("recorded_by")
    )
    kind = request.GET.get("kind")
    if kind in ChronologyEntry.Kind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, case, kind="chronology")
    return render(request, "cases/chronology.html", {"case": case, "page": page, "kind": kind})


@require_http_methods(["GET", "POST"])
def chronology_add(request, pk):
    case = get_case(request, pk, perm=CHANGE, full_scope=True)
    form = ChronologyForm(
        request.POST or None,
        instance=ChronologyEntry(case=case),
        initial={"occurred_at": timezone.localtime()},
    )
    if request.method == "POST" and form.is_valid():
        services.chronology_add(acting_user=request.user, entry=form.instance)
        messages.success(request, "Added to the chronology.")
        return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, form, "Add to the chronology")


@require_http_methods(["GET", "POST"])
def task_edit(request, pk, task_pk=None):
    case = get_case(request, pk, perm=CHANGE)
    if task_pk is None:
        task = CaseTask(case=case)
    else:
        task = get_object_or_404(
            CaseTask.objects.for_user(request.user, perm=CHANGE).filter(case=case), pk=task_pk
        )
    form = TaskForm(request.POST or None, instance=task, case=case)
    if request.method == "POST" and form.is_valid():
        services.task_save(acting_user=request.user, task=form.instance)
        messages.success(request, "Task saved.")
        return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, form, "Edit task" if task.pk else "Add a task")


@require_POST
def task_done(request, pk, task_pk):
    case = get_case(request, pk, perm=CHANGE)
    task = get_object_or_404(
        CaseTask.objects.for_user(request.user, perm=CHANGE).filter(case=case), pk=task_pk
    )
    services.task_toggle_done(acting_user=request.user, task=task)
    return redirect("cases:detail", pk=case.pk)


# --- Access ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def access_page(request, pk):
    """Who can see this case. Open to those who manage its access (lead, team managers),
    who see the access list but not, through this page, any case content."""
    case = get_managed_case(request, pk)
    grants = case.grants.select_related("user__agency", "granted_by", "permission").order_by(
        "user__full_name"
    )
    by_user = {}
    for grant in grants:
        entry = by_user.setdefault(grant.user_id, {"grant": grant, "perms": set()})
        entry["perms"].add(grant.permission.codename)
    context = {
        "case": case,
        "grants": list(by_user.values()),
        "exclusions": case.exclusions.select_related("user", "created_by"),
        "history": case.access_changes.select_related("subject", "by")[:50],
        "break_glass": case.break_glass.select_related("user").order_by("-started_at")[:20],
        "grant_form": GrantForm(),
        "exclude_form": ExcludeForm(),
        "now": timezone.now(),
    }
    record_view(request, case, kind="access", action="view")
    return render(request, "cases/access.html", context)


@require_http_methods(["GET", "POST"])
def access_grant(request, pk):
    case = get_managed_case(request, pk)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_grant_access(
                acting_user=request.user,
                case=case,
                user=data["user"],
                scope=data["scope"],
                can_change=data["can_change"],
                reason=data["reason"],
                expires_at=data["expires_at"],
                **form.decision_extras(),
            )
        except services.AccessRefused as refusal:
            form.add_error("user", str(refusal))
        else:
            messages.success(
                request, f"{data['user'].full_name} can now see case {case.reference}."
            )
            return redirect("cases:access", pk=case.pk)
    return _form_page(request, case, form, "Give someone access", back="cases:access")


@require_http_methods(["GET", "POST"])
def access_revoke(request, pk, user_pk):
    case = get_managed_case(request, pk)
    subject = get_object_or_404(
        User.objects.filter(caseuserobjectpermission__content_object=case).distinct(), pk=user_pk
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_revoke_access(
                acting_user=request.user,
                case=case,
                user=subject,
                reason=form.cleaned_data["reason"],
                **form.decision_extras(),
            )
        except services.AccessRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"{subject.full_name} no longer has access to {case.reference}."
            )
            return redirect("cases:access", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        f"Remove {subject.full_name}'s access",
        back="cases:access",
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def access_exclude(request, pk):
    case = get_managed_case(request, pk)
    form = ExcludeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_exclude(
                acting_user=request.user,
                case=case,
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
                **form.decision_extras(),
            )
        except services.AccessRefused as refusal:
            form.add_error("user", str(refusal))
        else:
            messages.success(
                request, f"{form.cleaned_data['user'].full_name} is excluded from {case.reference}."
            )
            return redirect("cases:access", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        "Exclude someone (conflict of interest)",
        back="cases:access",
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def access_lift_exclusion(request, pk, user_pk):
    case = get_managed_case(request, pk)
    exclusion = get_object_or_404(case.exclusions.select_related("user"), user_id=user_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.case_lift_exclusion(
            acting_user=request.user,
            case=case,
            user=exclusion.user,
            reason=form.cleaned_data["reason"],
            **form.decision_extras(),
        )
        messages.success(request, f"{exclusion.user.full_name} is no longer excluded.")
        return redirect("cases:access", pk=case.pk)
    title = f"Lift {exclusion.user.full_name}'s exclusion"
    return _form_page(request, case, form, title, back="cases:access", danger=True)


@role_required(*CASE_WORK)
@require_http_methods(["GET", "POST"])
def break_glass(request):
    """Emergency access by case reference. The reference must be known already: nothing
    here lists or searches cases."""
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = Case.objects.filter(reference=form.cleaned_data["reference"]).first()
        if case is None:
            form.add_error("reference", "No case has this reference.")
        else:
            try:
                services.case_break_glass(
                    acting_user=request.user,
                    case=case,
                    reason=form.cleaned_data["reason"],
                    **form.decision_extras(),
                )
            except services.AccessRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.warning(
                    request,
                    f"Emergency access to {case.reference} for {access.BREAK_GLASS_HOURS} hours. "
                    "The lead worker and managers have been told.",
                )
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/break_glass.html", {"form": form})


@role_required(Role.MANAGER)
@require_http_methods(["GET"])
def allocation(request):
    """A manager's team cases: reference, lead, risk and status only."""
    cases = (
        access.allocation_for(request.user).select_related("lead").order_by("status", "-opened_at")
    )
    status = request.GET.get("status", "open")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    reference = request.GET.get("reference", "").strip().upper()
    if reference:
        cases = cases.filter(reference__contains=reference)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "cases/allocation.html", {"page": page, "status": status, "reference": reference}
    )


@require_http_methods(["GET"])
def notifications(request):
    items = Notification.objects.filter(user=request.user).select_related("case")
    if request.GET.get("show") != "all":
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/notifications.html",
        {"page": page, "show": request.GET.get("show", "unread")},
    )


@require_POST
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, "All notifications marked as read.")
    return redirect("cases:notifications")
