"""Writing decisions and information-sharing records (append-only)."""

from django.db import transaction

from audit.models import DecisionLogEntry, SharingRecord


class DecisionRequired(Exception):
    """The action needs a decision-log entry with its reasons."""


def decision_record(
    *,
    acting_user,
    case,
    kind: str,
    decision: str,
    reasons: str,
    options_considered: str = "",
    risks_weighed: str = "",
    corrects: DecisionLogEntry | None = None,
) -> DecisionLogEntry:
    """Record a decision. Called inside the transaction of the action it justifies, so
    the action cannot complete without it."""
    if not (reasons or "").strip():
        raise DecisionRequired("Record the reasons for this decision.")
    return DecisionLogEntry.objects.create(
        case=case,
        kind=kind,
        decision=decision,
        reasons=reasons,
        options_considered=options_considered or "",
        risks_weighed=risks_weighed or "",
        made_by=acting_user,
        corrects=corrects,
    )


@transaction.atomic
def sharing_record(*, acting_user, case, data: dict, decision: dict | None = None) -> SharingRecord:
    """Record information shared. Without consent it must carry a decision-log entry."""
    entry = None
    if data["consent"] != SharingRecord.Consent.GIVEN:
        if not decision or not (decision.get("reasons") or "").strip():
            raise DecisionRequired(
                "Sharing without consent needs a decision-log entry with your reasons."
            )
        entry = decision_record(
            acting_user=acting_user,
            case=case,
            kind=DecisionLogEntry.Kind.SHARE_WITHOUT_CONSENT,
            decision=f"Share {', '.join(data['categories'])} with {data['agency']} without consent",
            reasons=decision["reasons"],
            options_considered=decision.get("options_considered", ""),
            risks_weighed=decision.get("risks_weighed", ""),
        )
    return SharingRecord.objects.create(case=case, shared_by=acting_user, decision=entry, **data)
