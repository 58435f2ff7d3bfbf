"""Subject access (UK GDPR Art. 15): everything Harbour holds about one person in a case.

Third parties (perpetrators, associates and anyone else in the case who is not the
requester) are redacted unless the requester is that person. The export is recorded as
an access event by the named operator.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from cases.models import Case, ChronologyEntry, Disclosure, Person, SafeContact

REDACTED = "[redacted: third party]"
PERSON_FIELDS = [
    "role",
    "given_name",
    "family_name",
    "date_of_birth",
    "approximate_age",
    "gender",
    "ethnicity",
    "disability",
    "lgbt",
    "religion",
    "first_language",
    "address",
    "phone",
    "email",
    "notes",
]


def person_data(person: Person, *, redact: bool) -> dict:
    if redact:
        return {"role": person.get_role_display(), "details": REDACTED}
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    data["aliases"] = [a.name for a in person.aliases.all()]
    data["warnings"] = [
        f"{w.get_kind_display()} {w.details}".strip() for w in person.warnings.all()
    ]
    return data


def subject_export(case: Case, subject: Person) -> dict:
    """The survivor's own records come in full; a perpetrator or associate gets only what
    is about them, with the survivor and everyone else redacted."""
    is_survivor = subject.role == Person.Role.SURVIVOR
    people = case.people.prefetch_related("aliases", "warnings")
    export = {
        "case": case.reference,
        "exported_at": timezone.now().isoformat(),
        "subject": person_data(subject, redact=False),
        "other_people": [person_data(p, redact=True) for p in people if p.pk != subject.pk],
    }
    if is_survivor:
        export["disclosures"] = [
            {
                k: str(getattr(d, k))
                for k in [
                    "disclosed_on",
                    "narrative",
                    "who_knows",
                    "who_might_suspect",
                    "expected_outcome",
                    "catalyst",
                    "own_view_of_risk",
                    "consent_to_share",
                    "share_with",
                ]
            }
            for d in Disclosure.objects.filter(case=case)
        ]
        contact = SafeContact.objects.filter(case=case).first()
        export["safe_contact"] = (
            {
                k: getattr(contact, k)
                for k in ["can_contact", "how", "safe_times", "never", "code_word"]
            }
            if contact
            else None
        )
        export["chronology"] = [
            {"when": e.occurred_at.isoformat(), "kind": e.kind, "text": e.text}
            for e in ChronologyEntry.objects.filter(case=case)
        ]
    return export


class Command(BaseCommand):
    help = "Export everything held about one person in a case (subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("--case", required=True, help="Case reference, e.g. H-2026-00042")
        parser.add_argument(
            "--person", required=True, type=int, help="The person's id in that case"
        )
        parser.add_argument(
            "--operator", required=True, help="Email of the member of staff running the export"
        )
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, case, person, operator, output, **options):
        staff = User.objects.filter(email__iexact=operator, is_active=True).first()
        if staff is None:
            raise CommandError("--operator must be the email of an active member of staff.")
        case_obj = Case.objects.filter(reference__iexact=case).first()
        subject = Person.objects.filter(case=case_obj, pk=person).first() if case_obj else None
        if subject is None:
            raise CommandError("No such person in that case.")
        data = json.dumps(subject_export(case_obj, subject), indent=2, default=str)
        AccessEvent.objects.create(
            user=staff,
            case_id=case_obj.pk,
            object_kind="subject_export",
            object_id=subject.pk,
            action="export",
            outcome=AccessEvent.Outcome.ALLOWED,
        )
        if output:
            with open(output, "w") as handle:
                handle.write(data)
            self.stdout.write(f"Written to {output}.")
        else:
            self.stdout.write(data)
