"""Audit review: who may review what, the event search, and the anomaly flags."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from audit.models import AccessEvent, AuditCursor, ReviewFlag

REVIEWERS = (Role.MANAGER, Role.AUDITOR)


def reviewable_events(user):
    """Auditors review every event; managers the events of their team's people and of
    their team's cases. Nobody else reviews anything."""

    if not user.is_authenticated or not user.is_active:
        return AccessEvent.objects.none()
    if user.has_role(Role.AUDITOR):
        return AccessEvent.objects.all()
    if user.has_role(Role.MANAGER) and user.team_id:
        return AccessEvent.objects.filter(_team_rule(user))
    return AccessEvent.objects.none()


def _team_rule(user, prefix: str = "") -> Q:
    """Events by the manager's team, or on the team's cases. Lists of ids rather than
    joins, so PostgreSQL can combine the two indexes instead of scanning every event."""
    from accounts.models import User
    from cases.models import Case

    people = list(User.objects.filter(team_id=user.team_id).values_list("pk", flat=True))
    cases = list(Case.objects.filter(team_id=user.team_id).values_list("pk", flat=True))
    return Q(**{f"{prefix}user_id__in": people}) | Q(**{f"{prefix}case_id__in": cases})


def reviewable_flags(user):
    if not user.is_authenticated or not user.is_active:
        return ReviewFlag.objects.none()
    if user.has_role(Role.AUDITOR):
        return ReviewFlag.objects.all()
    if user.has_role(Role.MANAGER) and user.team_id:
        return ReviewFlag.objects.filter(_team_rule(user, prefix="event__"))
    return ReviewFlag.objects.none()


def out_of_hours(moment) -> bool:
    local = timezone.localtime(moment)
    start, end = settings.AUDIT_WORKING_HOURS
    return local.weekday() >= 5 or not (start <= local.hour < end)


def flag_anomalies() -> int:
    """Flag new access events since the last run. Returns the number of flags made.

    - break-glass: the first event of each user's break-glass access to a case that day;
    - out of hours: the first event of each user's out-of-hours day;
    - many cases: the event at which a user passes N distinct cases within an hour;
    - excluded attempt: a refused attempt by someone excluded from that case.
    """
    from cases.models import CaseExclusion

    cursor, _ = AuditCursor.objects.get_or_create(name="flags")
    events = list(AccessEvent.objects.filter(id__gt=cursor.last_id).order_by("id")[:50_000])
    if not events:
        return 0
    flags = []
    seen = set()
    for kind, user_id, case_id, at in ReviewFlag.objects.filter(
        kind__in=[ReviewFlag.Kind.BREAK_GLASS, ReviewFlag.Kind.OUT_OF_HOURS],
        created_at__gte=timezone.now() - timedelta(days=2),
    ).values_list("kind", "event__user_id", "event__case_id", "event__at"):
        case = case_id if kind == ReviewFlag.Kind.BREAK_GLASS else None
        seen.add((kind, user_id, case, timezone.localtime(at).date()))
    exclusions = set(
        CaseExclusion.objects.filter(user_id__in={e.user_id for e in events}).values_list(
            "user_id", "case_id"
        )
    )
    for event in events:
        day = timezone.localtime(event.at).date()
        if event.break_glass and event.outcome == AccessEvent.Outcome.ALLOWED:
            key = (ReviewFlag.Kind.BREAK_GLASS, event.user_id, event.case_id, day)
            if key not in seen:
                seen.add(key)
                flags.append(ReviewFlag(event=event, kind=ReviewFlag.Kind.BREAK_GLASS))
        if out_of_hours(event.at):
            key = (ReviewFlag.Kind.OUT_OF_HOURS, event.user_id, None, day)
            if key not in seen:
                seen.add(key)
                flags.append(ReviewFlag(event=event, kind=ReviewFlag.Kind.OUT_OF_HOURS))
        if (
            event.outcome == AccessEvent.Outcome.DENIED
            and (event.user_id, event.case_id) in exclusions
        ):
            flags.append(ReviewFlag(event=event, kind=ReviewFlag.Kind.EXCLUDED_ATTEMPT))
    flags.extend(_many_cases(events))
    ReviewFlag.objects.bulk_create(flags, ignore_conflicts=True)
    cursor.last_id = events[-1].id
    cursor.save(update_fields=["last_id"])
    return len(flags)


def _many_cases(events) -> list[ReviewFlag]:
    limit = settings.AUDIT_MANY_CASES_PER_HOUR
    by_user = defaultdict(list)
    for event in events:
        if event.case_id and event.outcome == AccessEvent.Outcome.ALLOWED:
            by_user[event.user_id].append(event)
    flags = []
    for user_id, mine in by_user.items():
        window_start = mine[0].at - timedelta(hours=1)
        earlier = list(
            AccessEvent.objects.filter(
                user_id=user_id,
                at__gte=window_start,
                id__lt=mine[0].id,
                case_id__isnull=False,
                outcome="allowed",
            ).values_list("at", "case_id")
        )
        history = [*earlier, *((e.at, e.case_id) for e in mine)]
        flagged_until = None
        for index, event in enumerate(mine):
            position = len(earlier) + index
            since = event.at - timedelta(hours=1)
            distinct = {case for at, case in history[: position + 1] if at >= since}
            if len(distinct) > limit and (flagged_until is None or event.at > flagged_until):
                flags.append(ReviewFlag(event=event, kind=ReviewFlag.Kind.MANY_CASES))
                flagged_until = event.at + timedelta(hours=1)
    return flags
