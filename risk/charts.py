"""The risk-history chart as server-rendered SVG (prints, needs no JavaScript)."""

from django.conf import settings

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 640, 220, 40, 30, 10, 20
MAX_SCORE = 24
COLOURS = {"high": "#b02a37", "medium": "#b35c00", "standard": "#41464b"}


def _y(score: int) -> float:
    plot = HEIGHT - PAD_TOP - PAD_BOTTOM
    return PAD_TOP + plot - plot * score / MAX_SCORE


def risk_chart(assessments) -> dict:
    """Points for submitted DASH assessments in date order, with the band lines."""
    items = [a for a in assessments if a.yes_count is not None]
    span = WIDTH - PAD_LEFT - PAD_RIGHT
    step = span / max(len(items) - 1, 1)
    points = [
        {
            "x": round(PAD_LEFT + (i * step if len(items) > 1 else span / 2), 1),
            "y": round(_y(a.yes_count), 1),
            "score": a.yes_count,
            "level": a.get_level_display(),
            "colour": COLOURS.get(a.level, "#000"),
            "date": a.submitted_at,
        }
        for i, a in enumerate(items)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": PAD_LEFT,
        "right": WIDTH - PAD_RIGHT,
        "bottom": HEIGHT - PAD_BOTTOM,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "bands": [
            {
                "y": round(_y(settings.RISK_HIGH_FROM), 1),
                "label": f"High ({settings.RISK_HIGH_FROM}+)",
            },
            {
                "y": round(_y(settings.RISK_MEDIUM_FROM), 1),
                "label": f"Medium ({settings.RISK_MEDIUM_FROM}+)",
            },
        ],
        "ticks": [{"y": round(_y(v), 1), "value": v} for v in (0, 6, 12, 18, 24)],
    }
