from django import forms

from accounts.models import Agency, Role, User
from audit.models import AccessEvent, DecisionLogEntry, SharingRecord
from cases.forms import DATE, TEXT

OBJECT_KINDS = [
    ("case", "Case page"),
    ("person", "Person"),
    ("disclosure", "Disclosure"),
    ("safe_contact", "Safe contact"),
    ("chronology", "Chronology"),
    ("access", "Access list"),
    ("risk", "Risk overview"),
    ("assessment", "Assessment"),
    ("safety_plan", "Safety plan"),
    ("decisions", "Decision log"),
    ("sharing", "Sharing records"),
    ("audit", "Audit review"),
]


class EventFilterForm(forms.Form):
    """Search the access events. Sent by GET: it holds staff ids and case references,
    never a survivor's details."""

    person = forms.CharField(
        label="Person", required=False, help_text="Name or email of a member of staff."
    )
    user = forms.IntegerField(required=False, widget=forms.HiddenInput)
    case = forms.CharField(label="Case reference", required=False)
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)
    action = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any action"),
            ("view", "Viewed"),
            ("edit-form", "Opened for editing"),
            ("download-pdf", "Downloaded PDF"),
            ("attempt", "Refused attempt"),
            ("export-csv", "Audit export"),
        ],
    )
    object_kind = forms.ChoiceField(
        label="What", required=False, choices=[("", "Anything"), *OBJECT_KINDS]
    )
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *AccessEvent.Outcome.choices]
    )
    break_glass = forms.BooleanField(label="Break-glass only", required=False)

    def __init__(self, *args, reviewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewer = reviewer

    def people(self, data):
        """Staff the search names: by id (links from other pages) or by name/email."""
        people = User.objects.all()
        if not self.reviewer.has_role(Role.AUDITOR):
            # A manager looks up their own team's people.
            people = people.filter(team_id=self.reviewer.team_id)
        if data.get("user"):
            return people.filter(pk=data["user"])
        return people.search(data["person"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filter(self, events):
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        if data.get("user") or data.get("person"):
            events = events.filter(
                user_id__in=list(self.people(data).values_list("pk", flat=True)[:200])
            )
        if data.get("case"):
            from cases.models import Case

            events = events.filter(
                case_id__in=Case.objects.filter(reference__iexact=data["case"].strip()).values("pk")
            )
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"])
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("object_kind"):
            events = events.filter(object_kind=data["object_kind"])
        if data.get("outcome"):
            events = events.filter(outcome=data["outcome"])
        if data.get("break_glass"):
            events = events.filter(break_glass=True)
        return events


class SignOffForm(forms.Form):
    comment = forms.CharField(widget=TEXT, help_text="What you checked and concluded.")


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=DecisionLogEntry.Kind.choices, initial=DecisionLogEntry.Kind.OTHER
    )
    decision = forms.CharField(widget=TEXT)
    reasons = forms.CharField(widget=TEXT)
    options_considered = forms.CharField(required=False, widget=TEXT)
    risks_weighed = forms.CharField(required=False, widget=TEXT)


class SharingForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label="What was shared",
        choices=SharingRecord.Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    agency = forms.ModelChoiceField(Agency.objects.all(), label="Shared with (agency)")
    recipient = forms.CharField(label="Shared with (person and role)")
    purpose = forms.CharField(widget=TEXT)
    article6 = forms.ChoiceField(
        label="UK GDPR Article 6 lawful basis", choices=SharingRecord.Article6.choices
    )
    article9 = forms.ChoiceField(
        label="Article 9 condition (special category data)",
        choices=SharingRecord.Article9.choices,
        required=False,
    )
    article10 = forms.ChoiceField(
        label="Article 10 basis (criminal offence data)",
        choices=SharingRecord.Article10.choices,
        required=False,
    )
    consent = forms.ChoiceField(choices=SharingRecord.Consent.choices, widget=forms.RadioSelect)
    consent_note = forms.CharField(
        label="Why consent was refused or not sought", required=False, widget=TEXT
    )
    reasons = forms.CharField(
        label="Decision: your reasons for sharing without consent",
        required=False,
        widget=TEXT,
        help_text="Required when consent was not given: this becomes a decision-log entry.",
    )
    options_considered = forms.CharField(required=False, widget=TEXT)
    risks_weighed = forms.CharField(required=False, widget=TEXT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent") and cleaned["consent"] != SharingRecord.Consent.GIVEN:
            if not cleaned.get("consent_note", "").strip():
                self.add_error("consent_note", "Say why consent was refused or not sought.")
            if not cleaned.get("reasons", "").strip():
                self.add_error(
                    "reasons", "Sharing without consent needs your reasons (a decision-log entry)."
                )
        return cleaned

    def record_data(self) -> dict:
        names = [
            "categories",
            "agency",
            "recipient",
            "purpose",
            "article6",
            "article9",
            "article10",
            "consent",
            "consent_note",
        ]
        return {name: self.cleaned_data.get(name) or "" for name in names}

    def decision_data(self) -> dict:
        return {
            k: self.cleaned_data.get(k, "")
            for k in ("reasons", "options_considered", "risks_weighed")
        }
