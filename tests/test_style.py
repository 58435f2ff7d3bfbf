"""Zulip-style lint (STYLE.md §5): views never read case-scoped models by bare manager
calls; they go through Case.objects.visible_to / Model.objects.for_user (or the helpers in
cases.access). Each exception below names why it is safe."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
VIEW_FILES = sorted(p for p in ROOT.glob("*/views.py") if ".venv" not in str(p))
SAFE_METHODS = {"for_user", "visible_to"}

ALLOWED = {
    # Emergency access looks a case up by the reference the worker already knows; the
    # service then refuses excluded users and records the decision.
    ("cases/views.py", "Case", "filter"),
    # In-app notifications belong to the signed-in user (filter(user=request.user)).
    ("cases/views.py", "Notification", "filter"),
    # Audit review shows case references (never content) for events the reviewer may see.
    ("audit/views.py", "Case", "filter"),
    ("audit/views.py", "Case", "values_list"),
}


def case_scoped_models() -> set[str]:
    names = set()
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if model._meta.app_label in ("cases", "risk", "audit") and (
            "case" in fields
            or "person" in fields
            or "decision" in fields
            or model.__name__ == "Case"
        ):
            names.add(model.__name__)
    return names


def bare_manager_calls(path: Path, models: set[str]):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)):
            continue
        manager = node.value
        if (
            manager.attr == "objects"
            and isinstance(manager.value, ast.Name)
            and manager.value.id in models
            and node.attr not in SAFE_METHODS
        ):
            yield manager.value.id, node.attr, node.lineno


def test_the_lint_knows_the_case_scoped_models():
    models = case_scoped_models()
    assert {
        "Case",
        "Person",
        "Disclosure",
        "SafeContact",
        "ChronologyEntry",
        "Assessment",
        "SafetyPlan",
    } <= models


def test_views_read_case_data_only_through_the_access_helpers():
    models = case_scoped_models()
    found = []
    for path in VIEW_FILES:
        relative = str(path.relative_to(ROOT))
        for model, method, line in bare_manager_calls(path, models):
            if (relative, model, method) not in ALLOWED:
                found.append(f"{relative}:{line} {model}.objects.{method}(...)")
    assert not found, "read case data through visible_to()/for_user():\n" + "\n".join(found)
