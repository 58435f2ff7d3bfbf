import pytest

from risk.scoring import Criterion, judgement_error, score


def test_13_yes_is_medium_and_not_visible_high_risk():
    result = score(["yes"] * 13 + ["no"] * 11)
    assert result.yes_count == 13 and result.level == "medium"
    assert Criterion.VISIBLE_HIGH_RISK not in result.criteria


def test_14_yes_is_high_and_visible_high_risk():
    result = score(["yes"] * 14 + ["no"] * 10)
    assert result.level == "high" and result.criteria == [Criterion.VISIBLE_HIGH_RISK]


def test_dont_know_never_counts():
    result = score(["yes"] * 13 + ["dont_know"] * 11)
    assert result.yes_count == 13 and result.level == "medium"


def test_below_the_medium_band_is_standard():
    assert score(["yes"] * 9 + ["no"] * 15).level == "standard"


def test_judgement_raises_the_level_and_is_a_criterion():
    result = score(["yes"] * 5 + ["no"] * 19, judgement_level="high")
    assert result.actuarial_level == "standard" and result.level == "high"
    assert result.criteria == [Criterion.PROFESSIONAL_JUDGEMENT]


def test_judgement_never_lowers_the_level():
    result = score(["yes"] * 15 + ["no"] * 9, judgement_level="medium")
    assert result.level == "high"
    assert (
        judgement_error(15, "medium", "she seems fine")
        == "Professional judgement can raise the risk level but never lower it."
    )


def test_judgement_needs_a_written_reason():
    assert judgement_error(3, "high", "  ") == "Professional judgement needs a written reason."
    assert judgement_error(3, "high", "Gang involvement") is None
    assert judgement_error(3, "", "") is None


@pytest.mark.parametrize("incidents,met", [(2, False), (3, True), (7, True), (None, False)])
def test_escalation_threshold_default_three(incidents, met):
    result = score(["no"] * 24, police_incidents=incidents)
    assert (Criterion.POTENTIAL_ESCALATION in result.criteria) is met


def test_escalation_and_bands_come_from_settings(settings):
    settings.MARAC_ESCALATION_INCIDENTS = 5
    settings.RISK_MEDIUM_FROM = 8
    assert Criterion.POTENTIAL_ESCALATION not in score(["no"] * 24, police_incidents=4).criteria
    assert Criterion.POTENTIAL_ESCALATION in score(["no"] * 24, police_incidents=5).criteria
    assert score(["yes"] * 8 + ["no"] * 16).level == "medium"
