"""Access events: one row per request that touched case data, written once, at the end.

cases.access.get_case() notes the case on the request; views add what they showed
(record_view); AccessEventMiddleware writes the single INSERT after the view, outside
its transaction, so even a request that fails or answers 404 leaves its trace. Nothing
sensitive goes in: ids, kinds, the action, the outcome, the address.
"""

from audit.models import AccessEvent

STASH = "_harbour_access"


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def note_case(request, case, *, kind: str = "case") -> None:
    """Called by the access helpers when a view reaches a case."""
    if getattr(request, STASH, None) is None:
        action = "view" if request.method in ("GET", "HEAD") else "change"
        setattr(
            request,
            STASH,
            {
                "case_id": case.pk,
                "object_kind": kind,
                "object_id": None,
                "action": action,
                "break_glass": False,
            },
        )


def record_view(
    request, case, *, kind: str, object_id=None, action: str | None = None, access=None
):
    """Say what the request showed of the case (replaces the default description)."""
    note_case(request, case)
    stash = getattr(request, STASH)
    stash.update(
        object_kind=kind, object_id=object_id, break_glass=bool(access and access.break_glass)
    )
    if action:
        stash["action"] = action


def record_review(request, action: str):
    """A look at the audit trail itself (review pages, export): recorded like a case view."""
    setattr(
        request,
        STASH,
        {
            "case_id": None,
            "object_kind": "audit",
            "object_id": None,
            "action": action,
            "break_glass": False,
        },
    )


def record_denied(request, *, case_id, kind: str):
    """A refused attempt (the view answers 404)."""
    if request.user.is_authenticated:
        setattr(
            request,
            STASH,
            {
                "case_id": case_id,
                "object_kind": kind,
                "object_id": None,
                "action": "attempt",
                "break_glass": False,
                "denied": True,
            },
        )


class AccessEventMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        stash = getattr(request, STASH, None)
        if stash is not None and request.user.is_authenticated:
            denied = stash.pop("denied", False) or response.status_code == 404
            AccessEvent.objects.create(
                user=request.user,
                outcome=AccessEvent.Outcome.DENIED if denied else AccessEvent.Outcome.ALLOWED,
                ip_address=_ip(request),
                **{**stash, "action": "attempt" if denied else stash["action"]},
            )
        return response
