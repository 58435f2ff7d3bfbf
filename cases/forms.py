from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import User
from cases.models import (
    Case,
    CaseTask,
    ChronologyEntry,
    Disclosure,
    Person,
    RiskLevel,
    SafeContact,
    Scope,
    WarningMarker,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class DecisionFields(forms.Form):
    """The rest of a decision-log entry, beside the reasons each form asks for."""

    options_considered = forms.CharField(label="Options considered", required=False, widget=TEXT)
    risks_weighed = forms.CharField(label="Risks weighed", required=False, widget=TEXT)

    def decision_extras(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in ("options_considered", "risks_weighed")}


class VersionedForm(forms.ModelForm):
    """Carries the version the form was loaded with, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def expected_version(self) -> int | None:
        if not self.instance.pk:
            return None
        return self.cleaned_data.get("version") or self.instance.version


class CaseFilterForm(forms.Form):
    """The case list's search and filters. Sent by POST so that names typed into the
    search never appear in a URL or a server log (ASVS 14.2.1)."""

    q = forms.CharField(
        label="Search",
        required=False,
        help_text="Case reference, or a name or alias of anyone in the case.",
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Case.Status.choices], required=False, initial="open"
    )
    risk = forms.ChoiceField(choices=[("", "Any risk"), *RiskLevel.choices], required=False)
    amp = forms.ChoiceField(
        label="AMP flag",
        choices=[
            ("", "Either"),
            ("yes", "At Risk from Multiple Perpetrators"),
            ("no", "Not flagged"),
        ],
        required=False,
    )
    lead = forms.ModelChoiceField(User.objects.none(), required=False, empty_label="Any lead")
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, leads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads if leads is not None else User.objects.none()

    def filter(self, cases):
        data = self.cleaned_data if self.is_valid() else {"status": "open"}
        cases = cases.search(data.get("q", ""))
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("risk"):
            cases = cases.filter(risk_level=data["risk"])
        if data.get("amp"):
            cases = cases.filter(at_risk_from_multiple_perpetrators=data["amp"] == "yes")
        if data.get("lead"):
            cases = cases.filter(lead=data["lead"])
        return cases


class SurvivorForm(forms.ModelForm):
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Other names or nicknames, one per line.",
    )

    class Meta:
        model = Person
        fields = ["given_name", "family_name", "date_of_birth", "approximate_age"]
        widgets = {"date_of_birth": DATE}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("given_name") and not cleaned.get("family_name"):
            raise forms.ValidationError("Give at least a first name or a family name.")
        return cleaned

    def alias_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("aliases", "").splitlines() if line.strip()]


class CaseForm(VersionedForm):
    class Meta:
        model = Case
        fields = ["at_risk_from_multiple_perpetrators", "immediate_risk", "risk_level", "lead"]
        help_texts = {
            "risk_level": "Set by the risk assessment once one is submitted; set it here only "
            "on professional judgement.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The lead must be someone already named on the case with change access.
        self.fields["lead"].queryset = User.objects.filter(
            is_active=True,
            caseuserobjectpermission__content_object=self.instance,
            caseuserobjectpermission__permission__codename="change_case",
        ).distinct()


class CloseCaseForm(DecisionFields):
    reason = forms.CharField(label="Why is the case closing?", widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["reason", "options_considered", "risks_weighed"]


class PersonForm(VersionedForm):
    aliases = forms.CharField(
        label="Aliases and nicknames",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )

    class Meta:
        model = Person
        fields = [
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
        widgets = {
            "date_of_birth": DATE,
            "address": TEXT,
            "phone": forms.TextInput,
            "email": forms.TextInput,
            "notes": TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["aliases"] = "\n".join(a.name for a in self.instance.aliases.all())
        if self.instance.pk and self.instance.is_survivor:
            self.fields["role"].disabled = True  # exactly one survivor, always
        else:
            self.fields["role"].choices = [
                c for c in Person.Role.choices if c[0] != Person.Role.SURVIVOR
            ]

    def clean_role(self):
        role = self.cleaned_data["role"]
        case = self.instance.case
        if role == Person.Role.PRIMARY_PERPETRATOR:
            others = Person.objects.filter(case=case, role=role).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    "This case already has a primary perpetrator. Record this person as an "
                    "associate, or change the other record first."
                )
        return role

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("given_name")
            and not cleaned.get("family_name")
            and not cleaned.get("aliases")
        ):
            raise forms.ValidationError("Give a name, a family name or at least one alias.")
        return cleaned

    def alias_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("aliases", "").splitlines() if line.strip()]


class DisclosureForm(VersionedForm):
    class Meta:
        model = Disclosure
        fields = [
            "disclosed_on",
            "seen_alone",
            "seen_in_private",
            "narrative",
            "who_knows",
            "who_might_suspect",
            "expected_outcome",
            "catalyst",
            "own_view_of_risk",
            "immediate_risk_to_life",
            "consent_to_share",
            "share_with",
        ]
        widgets = {
            "disclosed_on": DATE,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "who_knows": TEXT,
            "who_might_suspect": TEXT,
            "expected_outcome": TEXT,
            "catalyst": TEXT,
            "own_view_of_risk": TEXT,
            "share_with": TEXT,
        }

    def clean_disclosed_on(self):
        value = self.cleaned_data["disclosed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_to_share") == Disclosure.Consent.YES and not cleaned.get(
            "share_with"
        ):
            self.add_error("share_with", "Say which agencies she agrees information may go to.")
        return cleaned


class SafeContactForm(VersionedForm):
    class Meta:
        model = SafeContact
        fields = ["can_contact", "how", "safe_times", "never", "code_word"]
        widgets = {"how": TEXT, "safe_times": TEXT, "never": TEXT, "code_word": forms.TextInput}


class ChronologyForm(forms.ModelForm):
    class Meta:
        model = ChronologyEntry
        fields = ["kind", "occurred_at", "text"]
        widgets = {"occurred_at": DATETIME, "text": forms.Textarea(attrs={"rows": 5})}
        labels = {"occurred_at": "When", "text": "What happened"}

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("This cannot be in the future.")
        return value


class WarningForm(forms.ModelForm):
    class Meta:
        model = WarningMarker
        fields = ["kind", "details"]


class TaskForm(forms.ModelForm):
    class Meta:
        model = CaseTask
        fields = ["title", "due_on", "assignee"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Tasks go only to people named on the case.
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, caseuserobjectpermission__content_object=case
        ).distinct()


class GrantForm(DecisionFields):
    user = forms.ModelChoiceField(
        User.objects.filter(is_active=True).select_related("agency"),
        label="Person",
        help_text="Only named people ever see a case.",
    )
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.FULL)
    can_change = forms.BooleanField(label="May also change the case", required=False)
    expires_at = forms.DateTimeField(
        label="Until", required=False, widget=DATETIME, help_text="Leave empty for no end date."
    )
    reason = forms.CharField(widget=TEXT, help_text="Why does this person need to see the case?")
    field_order = ["user", "scope", "can_change", "expires_at", "reason"]

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value and value <= timezone.now():
            raise forms.ValidationError("The end must be in the future.")
        return value


class ReasonForm(DecisionFields):
    reason = forms.CharField(widget=TEXT)
    field_order = ["reason"]


class ExcludeForm(DecisionFields):
    user = forms.ModelChoiceField(User.objects.filter(is_active=True), label="Person")
    reason = forms.CharField(widget=TEXT, help_text="The conflict of interest, in a few words.")
    field_order = ["user", "reason"]


class BreakGlassForm(DecisionFields):
    reference = forms.CharField(label="Case reference", help_text="For example H-2026-00042.")
    reason = forms.CharField(
        widget=TEXT,
        help_text="Why you need this case now, in an emergency. Your reason is sent to the "
        "case's lead worker and managers and reviewed.",
    )
    field_order = ["reference", "reason"]

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()
