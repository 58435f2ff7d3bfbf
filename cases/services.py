"""Writes on cases. Each runs in one transaction with its audit rows.

Callers have already fetched the case through cases.access (so the acting user may
change it, or manage its access); the services do not check that again except where
they say so.
"""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AccessChange, DecisionLogEntry
from audit.services import decision_record
from cases import access
from cases.models import (
    Alias,
    BreakGlass,
    Case,
    CaseExclusion,
    CaseReferenceCounter,
    CaseTask,
    CaseUserObjectPermission,
    ChronologyEntry,
    Notification,
    Person,
    SafeContact,
    Scope,
    WarningMarker,
)


class AccessRefused(Exception):
    """The action is not allowed for this user on this case (the message says why)."""


class VersionConflict(Exception):
    """Someone saved the record after the form was loaded. Nothing was written."""

    def __init__(self, current):
        super().__init__("The record was changed by someone else.")
        self.current = current


def save_versioned(instance, expected_version: int, **extra):
    """Save a record only if nobody saved it since `expected_version` was read.

    The row is locked for the rest of the transaction, so two simultaneous saves cannot
    both pass the check; the loser gets VersionConflict and writes nothing.
    """
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise VersionConflict(current)
    for name, value in extra.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1
    instance.save()
    return instance


def _permission(perm: str) -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename=f"{perm}_case")


def _notify(users, case: Case, message: str) -> None:
    Notification.objects.bulk_create(
        [
            Notification(user=u, case=case, message=message)
            for u in {u.pk: u for u in users}.values()
        ]
    )


@transaction.atomic
def case_create(*, acting_user: User, survivor: Person, aliases: list[str]) -> Case:
    """Open a case led by the acting user, with its survivor, and name the lead on it."""
    if acting_user.team_id is None:
        raise AccessRefused("You need a team before you can open cases. Ask your administrator.")
    now = timezone.now()
    case = Case.objects.create(
        reference=CaseReferenceCounter.next_reference(timezone.localdate(now).year),
        lead=acting_user,
        team_id=acting_user.team_id,
        created_by=acting_user,
        opened_at=now,
    )
    survivor.case = case
    survivor.role = Person.Role.SURVIVOR
    survivor.save()
    person_set_aliases(person=survivor, names=aliases)
    case_grant_access(
        acting_user=acting_user,
        case=case,
        user=acting_user,
        scope=Scope.FULL,
        can_change=True,
        reason="Lead worker (opened the case)",
    )
    return case


@transaction.atomic
def case_update(*, acting_user: User, case: Case, expected_version: int) -> Case:
    return save_versioned(case, expected_version)


@transaction.atomic
def case_close(
    *,
    acting_user: User,
    case: Case,
    reason: str,
    expected_version: int,
    options_considered="",
    risks_weighed="",
) -> Case:
    decision_record(
        acting_user=acting_user,
        case=case,
        kind=DecisionLogEntry.Kind.CLOSE_CASE,
        decision=f"Close case {case.reference}",
        reasons=reason,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    return save_versioned(
        case,
        expected_version,
        status=Case.Status.CLOSED,
        closed_at=timezone.now(),
        closure_reason=reason,
    )


@transaction.atomic
def case_reopen(
    *,
    acting_user: User,
    case: Case,
    reason: str,
    expected_version: int,
    options_considered="",
    risks_weighed="",
) -> Case:
    decision_record(
        acting_user=acting_user,
        case=case,
        kind=DecisionLogEntry.Kind.REOPEN_CASE,
        decision=f"Reopen case {case.reference}",
        reasons=reason,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    return save_versioned(case, expected_version, status=Case.Status.OPEN, closed_at=None)


def person_set_aliases(*, person: Person, names: list[str]) -> None:
    wanted = {n.strip() for n in names if n.strip()}
    existing = {a.name: a for a in person.aliases.all()}
    person.aliases.filter(pk__in=[a.pk for n, a in existing.items() if n not in wanted]).delete()
    Alias.objects.bulk_create(
        [Alias(person=person, name=n) for n in sorted(wanted - set(existing))]
    )


@transaction.atomic
def person_save(
    *, acting_user: User, person: Person, aliases: list[str], expected_version: int | None
) -> Person:
    if person.pk is None:
        person.save()
    else:
        save_versioned(person, expected_version)
    person_set_aliases(person=person, names=aliases)
    return person


@transaction.atomic
def safe_contact_save(*, acting_user: User, safe_contact: SafeContact, expected_version: int):
    if safe_contact.pk is None:
        safe_contact.save()
        return safe_contact
    return save_versioned(safe_contact, expected_version)


@transaction.atomic
def disclosure_save(*, acting_user: User, disclosure, expected_version: int | None):
    if disclosure.pk is None:
        disclosure.save()
    else:
        save_versioned(disclosure, expected_version)
    if disclosure.immediate_risk_to_life and not disclosure.case.immediate_risk:
        case = Case.objects.select_for_update().get(pk=disclosure.case_id)
        case.immediate_risk = True
        case.version += 1
        case.save(update_fields=["immediate_risk", "version", "updated_at"])
    return disclosure


@transaction.atomic
def chronology_add(*, acting_user: User, entry: ChronologyEntry) -> ChronologyEntry:
    entry.recorded_by = acting_user
    entry.recorded_at = timezone.now()
    entry.save()
    return entry


@transaction.atomic
def warning_add(*, acting_user: User, marker: WarningMarker) -> WarningMarker:
    marker.created_by = acting_user
    marker.save()
    return marker


@transaction.atomic
def warning_remove(*, acting_user: User, marker: WarningMarker) -> None:
    marker.removed_at = timezone.now()
    marker.save(update_fields=["removed_at"])


@transaction.atomic
def task_save(*, acting_user: User, task: CaseTask) -> CaseTask:
    if task.pk is None:
        task.created_by = acting_user
    task.save()
    if task.assignee_id and task.assignee_id != acting_user.pk:
        _notify([task.assignee], task.case, f"You have a task on case {task.case.reference}.")
    return task


@transaction.atomic
def task_toggle_done(*, acting_user: User, task: CaseTask) -> CaseTask:
    task.done_at = None if task.done_at else timezone.now()
    task.save(update_fields=["done_at"])
    return task


def _record_access_decision(
    *,
    acting_user: User,
    case: Case,
    subject: User,
    action: str,
    kind: str,
    decision: str,
    reason: str,
    detail: str = "",
    options_considered: str = "",
    risks_weighed: str = "",
) -> None:
    """A change of who may see a case: its decision-log entry (refused without reasons, so
    the change cannot complete without one) and its line in the case's access history."""
    decision_record(
        acting_user=acting_user,
        case=case,
        kind=kind,
        decision=decision,
        reasons=reason,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    AccessChange.objects.create(
        case=case, subject=subject, action=action, detail=detail, reason=reason, by=acting_user
    )


@transaction.atomic
def case_grant_access(
    *,
    acting_user: User,
    case: Case,
    user: User,
    scope: str,
    can_change: bool,
    reason: str,
    expires_at=None,
    options_considered: str = "",
    risks_weighed: str = "",
) -> None:
    """Name `user` on the case (view, and change if asked) with a reason, recorded as a
    decision. Replaces any earlier grant of theirs on this case. Refused for excluded or
    inactive users."""
    if not user.is_active:
        raise AccessRefused(f"{user} is deactivated.")
    if CaseExclusion.objects.filter(case=case, user=user).exists():
        raise AccessRefused(f"{user} is excluded from this case (conflict of interest).")
    CaseUserObjectPermission.objects.filter(content_object=case, user=user).delete()
    perms = [access.VIEW, access.CHANGE] if can_change else [access.VIEW]
    for perm in perms:
        CaseUserObjectPermission.objects.create(
            content_object=case,
            user=user,
            permission=_permission(perm),
            scope=scope,
            reason=reason,
            granted_by=acting_user,
            expires_at=expires_at,
        )
    detail = (
        f"{Scope(scope).label.split(' (')[0]}, {'view and change' if can_change else 'view only'}"
    )
    if expires_at:
        detail += f", until {timezone.localtime(expires_at):%d %b %Y %H:%M}"
    _record_access_decision(
        acting_user=acting_user,
        case=case,
        subject=user,
        action=AccessChange.Action.GRANT,
        kind=DecisionLogEntry.Kind.GRANT_ACCESS,
        decision=f"Give {user.full_name} access ({detail})",
        reason=reason,
        detail=detail,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    if user.pk != acting_user.pk:
        _notify([user], case, f"You have been given access to case {case.reference}.")


@transaction.atomic
def case_revoke_access(
    *,
    acting_user: User,
    case: Case,
    user: User,
    reason: str,
    options_considered="",
    risks_weighed="",
) -> None:
    if user.pk == case.lead_id:
        raise AccessRefused("The lead worker keeps access. Change the lead first.")
    decision_record(
        acting_user=acting_user,
        case=case,
        kind=DecisionLogEntry.Kind.REVOKE_ACCESS,
        decision=f"Remove {user.full_name}'s access",
        reasons=reason,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    CaseUserObjectPermission.objects.filter(content_object=case, user=user).delete()
    BreakGlass.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).update(
        expires_at=timezone.now()
    )
    AccessChange.objects.create(
        case=case, subject=user, action=AccessChange.Action.REVOKE, reason=reason, by=acting_user
    )


@transaction.atomic
def case_exclude(
    *,
    acting_user: User,
    case: Case,
    user: User,
    reason: str,
    options_considered="",
    risks_weighed="",
) -> None:
    """A conflict of interest: the user loses sight of the case whatever they hold."""
    if user.pk == case.lead_id:
        raise AccessRefused("The lead worker cannot be excluded. Change the lead first.")
    decision_record(
        acting_user=acting_user,
        case=case,
        kind=DecisionLogEntry.Kind.EXCLUDE,
        decision=f"Exclude {user.full_name} (conflict of interest)",
        reasons=reason,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    CaseExclusion.objects.get_or_create(
        case=case, user=user, defaults={"reason": reason, "created_by": acting_user}
    )
    AccessChange.objects.create(
        case=case, subject=user, action=AccessChange.Action.EXCLUDE, reason=reason, by=acting_user
    )


@transaction.atomic
def case_lift_exclusion(
    *,
    acting_user: User,
    case: Case,
    user: User,
    reason: str,
    options_considered="",
    risks_weighed="",
) -> None:
    """End a conflict-of-interest exclusion. The person's earlier grants, if any, apply
    again; the decision and the change are recorded."""
    _record_access_decision(
        acting_user=acting_user,
        case=case,
        subject=user,
        action=AccessChange.Action.UNEXCLUDE,
        kind=DecisionLogEntry.Kind.LIFT_EXCLUSION,
        decision=f"Lift the exclusion of {user.full_name}",
        reason=reason,
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    CaseExclusion.objects.filter(case=case, user=user).delete()


@transaction.atomic
def case_break_glass(
    *, acting_user: User, case: Case, reason: str, options_considered="", risks_weighed=""
) -> BreakGlass:
    """Emergency access for 4 hours, with a decision-log entry. Refused to excluded users;
    the lead and the team's managers are told at once."""
    if CaseExclusion.objects.filter(case=case, user=acting_user).exists():
        raise AccessRefused("You are excluded from this case and cannot use emergency access.")
    expires_at = access.break_glass_expiry()
    _record_access_decision(
        acting_user=acting_user,
        case=case,
        subject=acting_user,
        action=AccessChange.Action.BREAK_GLASS,
        kind=DecisionLogEntry.Kind.BREAK_GLASS,
        decision=f"Emergency access to {case.reference} for {access.BREAK_GLASS_HOURS} hours",
        reason=reason,
        detail=f"until {timezone.localtime(expires_at):%d %b %Y %H:%M}",
        options_considered=options_considered,
        risks_weighed=risks_weighed,
    )
    glass = BreakGlass.objects.create(
        case=case, user=acting_user, reason=reason, expires_at=expires_at
    )
    managers = User.objects.filter(team_id=case.team_id, is_active=True).with_roles(Role.MANAGER)
    _notify(
        [case.lead, *managers],
        case,
        f"Emergency (break-glass) access to case {case.reference} by {acting_user.full_name}.",
    )
    return glass
