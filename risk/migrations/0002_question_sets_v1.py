"""Load version 1 of the question sets from risk/question_sets/*.json.

The files are named here, so this migration never changes: a new version of a set is a
new JSON file (version 2) and a new migration that names it.
"""

import json
from pathlib import Path

from django.db import migrations

FILES = [
    "dash_ric.json",
    "mpa_perpetrator.json",
    "mpa_survivor_indicators.json",
    "imminent_risk.json",
]
FOLDER = Path(__file__).resolve().parent.parent / "question_sets"


def load(apps, schema_editor):
    QuestionSet = apps.get_model("risk", "QuestionSet")
    Question = apps.get_model("risk", "Question")
    for name in FILES:
        data = json.loads((FOLDER / name).read_text())
        question_set, created = QuestionSet.objects.get_or_create(
            code=data["code"],
            version=data["version"],
            defaults={
                "title": data["title"],
                "about": data["about"],
                "source": data["source"],
                "guidance": data.get("guidance", ""),
            },
        )
        if created:
            Question.objects.bulk_create(
                [
                    Question(
                        question_set=question_set,
                        number=q["number"],
                        section=q["section"],
                        text=q["text"],
                        help=q.get("help", ""),
                        scored=q["scored"],
                    )
                    for q in data["questions"]
                ]
            )


def unload(apps, schema_editor):
    QuestionSet = apps.get_model("risk", "QuestionSet")
    Question = apps.get_model("risk", "Question")
    sets = QuestionSet.objects.filter(version=1)
    Question.objects.filter(question_set__in=sets).delete()
    sets.delete()


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
