"""Who may see and change a case: the one module every check goes through.

Rules (DESIGN.md "Access control"):
- case data is visible only to users named on the case through a grant (guardian's
  direct-FK table CaseUserObjectPermission) that has not expired, or through active
  break-glass; never to a group, never by default to superusers or administrators;
- an exclusion (conflict of interest) beats every grant, break-glass included;
- a perpetrator-side grant never shows the survivor's contact details, safe-contact
  details, disclosures or chronology;
- anything outside a user's scope answers 404.

Guardian's shortcuts are deliberately not used: their defaults (accept_global_perms,
with_superuser) would leak every case.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import Role

VIEW = "view"
CHANGE = "change"
BREAK_GLASS_HOURS = 4


def _usable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def filter_cases(queryset, user, *, perm: str = VIEW, full_scope: bool = False):
    """Narrow a Case queryset to what `user` may `perm` now. See the module docstring.

    Fails closed: an unknown perm or an unusable user gives nothing.
    """
    from cases.models import BreakGlass, CaseExclusion, CaseUserObjectPermission, Scope

    if perm not in (VIEW, CHANGE) or not _usable(user):
        return queryset.none()
    now = timezone.now()
    granted = (
        CaseUserObjectPermission.objects.filter(user=user, permission__codename=f"{perm}_case")
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values("content_object_id")
    )
    if full_scope:
        granted = granted.filter(scope=Scope.FULL)
    glass = BreakGlass.objects.filter(user=user, expires_at__gt=now).values("case_id")
    excluded = CaseExclusion.objects.filter(user=user).values("case_id")
    # One UNION of the user's own case ids (from the indexed grant and break-glass tables),
    # so PostgreSQL reads the user's few cases rather than testing every case.
    return queryset.filter(pk__in=granted.union(glass)).exclude(pk__in=excluded)


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do on one case, worked out once per request."""

    can_view: bool
    can_change: bool
    full_scope: bool
    break_glass: object | None  # the active BreakGlass, if that is how they see it
    can_manage: bool  # may grant, revoke and exclude

    @property
    def perpetrator_side(self) -> bool:
        return self.can_view and not self.full_scope


def access_for(user, case) -> CaseAccess:
    """The user's standing on a case they have already been found able to view (or
    manage). Two queries: their grants, their active break-glass."""
    from cases.models import BreakGlass, CaseExclusion, Scope

    if not _usable(user) or CaseExclusion.objects.filter(case=case, user=user).exists():
        return CaseAccess(False, False, False, None, False)
    now = timezone.now()
    grants = [
        g
        for g in case.grants.filter(user=user).select_related("permission")
        if g.expires_at is None or g.expires_at > now
    ]
    glass = BreakGlass.objects.filter(case=case, user=user, expires_at__gt=now).first()
    codenames = {g.permission.codename for g in grants}
    full = glass is not None or any(
        g.scope == Scope.FULL and g.permission.codename == "view_case" for g in grants
    )
    return CaseAccess(
        can_view=glass is not None or "view_case" in codenames,
        can_change=glass is not None or "change_case" in codenames,
        full_scope=full,
        break_glass=glass,
        can_manage=may_manage(user, case),
    )


def may_manage(user, case) -> bool:
    """The lead worker and the managers of the case's team grant, revoke and exclude."""
    if not _usable(user):
        return False
    return user.pk == case.lead_id or (
        user.has_role(Role.MANAGER) and user.team_id is not None and user.team_id == case.team_id
    )


def manageable_cases(user):
    """Cases whose access the user may manage (not read): their team's, for a manager;
    the ones they lead, for anyone. Excluded users manage nothing on that case."""
    from cases.models import Case, CaseExclusion

    if not _usable(user):
        return Case.objects.none()
    rule = Q(lead=user)
    if user.has_role(Role.MANAGER) and user.team_id:
        rule |= Q(team_id=user.team_id)
    excluded = CaseExclusion.objects.filter(case=OuterRef("pk"), user=user)
    return Case.objects.filter(rule).exclude(Exists(excluded))


def allocation_for(user):
    """A manager's allocation list: their team's cases. Callers may show only the
    reference, lead, risk level and status from it — never personal details."""
    from cases.models import Case

    if not _usable(user) or not user.has_role(Role.MANAGER) or not user.team_id:
        return Case.objects.none()
    return Case.objects.filter(team_id=user.team_id)


def break_glass_expiry():
    return timezone.now() + timedelta(hours=BREAK_GLASS_HOURS)


def get_case(request, pk, *, perm: str = VIEW, full_scope: bool = False):
    """The case for a view, or 404 (with a failed-access event) when out of scope."""
    from audit.events import note_case, record_denied
    from cases.models import Case

    case = Case.objects.visible_to(request.user, perm=perm, full_scope=full_scope).filter(pk=pk)
    case = case.select_related("lead", "team__agency").first()
    if case is None:
        record_denied(request, case_id=pk, kind="case")
        raise Http404
    note_case(request, case)
    return case


def get_managed_case(request, pk):
    """The case for the access-management pages, or 404."""
    from audit.events import note_case, record_denied

    case = manageable_cases(request.user).filter(pk=pk).select_related("lead", "team").first()
    if case is None:
        record_denied(request, case_id=pk, kind="access")
        raise Http404
    note_case(request, case, kind="access")
    return case
