"""DASH RIC scoring and the MARAC referral criteria, in one place.

Sources (reference/domain-facts.md): visible high risk is 14 or more "Yes" answers of
the 24; "Don't know" never counts. Professional judgement, with a written reason, may
raise the level but never lower it. Potential escalation: N police-reported incidents in
M months (local practice, default 3 in 12). The medium band (default 10-13 Yes) is local
practice too, not SafeLives guidance. The "repeat" criterion arrives with MARAC referrals.
"""

from dataclasses import dataclass, field

from django.conf import settings

from cases.models import RiskLevel

ORDER = [RiskLevel.NOT_ASSESSED, RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH]


class Criterion:
    VISIBLE_HIGH_RISK = "visible_high_risk"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    POTENTIAL_ESCALATION = "potential_escalation"

    LABELS = {
        VISIBLE_HIGH_RISK: "Visible high risk (14 or more Yes)",
        PROFESSIONAL_JUDGEMENT: "Professional judgement",
        POTENTIAL_ESCALATION: "Potential escalation",
    }


def rank(level: str) -> int:
    return ORDER.index(level) if level in ORDER else 0


@dataclass(frozen=True)
class Result:
    yes_count: int
    actuarial_level: str
    level: str
    criteria: list[str] = field(default_factory=list)


def yes_count(values: list[str]) -> int:
    """Only "yes" counts; "dont_know", "no" and blanks never do."""
    return sum(1 for v in values if v == "yes")


def actuarial_level(count: int) -> str:
    if count >= settings.RISK_HIGH_FROM:
        return RiskLevel.HIGH
    if count >= settings.RISK_MEDIUM_FROM:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def judgement_error(count: int, judgement_level: str, reason: str) -> str | None:
    """Why a professional-judgement entry is not acceptable, or None."""
    if not judgement_level:
        return None
    if not reason.strip():
        return "Professional judgement needs a written reason."
    if rank(judgement_level) < rank(actuarial_level(count)):
        return "Professional judgement can raise the risk level but never lower it."
    return None


def score(
    values: list[str], *, judgement_level: str = "", police_incidents: int | None = None
) -> Result:
    count = yes_count(values)
    actuarial = actuarial_level(count)
    level = actuarial
    if judgement_level and rank(judgement_level) > rank(actuarial):
        level = judgement_level
    criteria = []
    if count >= settings.RISK_HIGH_FROM:
        criteria.append(Criterion.VISIBLE_HIGH_RISK)
    if judgement_level == RiskLevel.HIGH and actuarial != RiskLevel.HIGH:
        criteria.append(Criterion.PROFESSIONAL_JUDGEMENT)
    if police_incidents is not None and police_incidents >= settings.MARAC_ESCALATION_INCIDENTS:
        criteria.append(Criterion.POTENTIAL_ESCALATION)
    return Result(yes_count=count, actuarial_level=actuarial, level=level, criteria=criteria)
