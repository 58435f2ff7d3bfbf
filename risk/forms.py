from django import forms

from cases.forms import DATE, TEXT
from cases.models import Person
from risk.models import Answer, Assessment, SafetyAction, SafetyPlan
from risk.services import PLAN_FIELDS


class AssessmentForm(forms.Form):
    """One radio group, source and comment per question, grouped into the set's sections.

    Drafts may be incomplete; completeness is checked on submit (services).
    """

    def __init__(self, *args, assessment: Assessment, answers: list[Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.answers = answers
        subject = assessment.subject.name if assessment.subject else ""
        for answer in answers:
            q = answer.question
            prefix = f"q{q.number}"
            self.fields[f"{prefix}_value"] = forms.ChoiceField(
                label=f"{q.number}. {q.text_for(subject)}",
                choices=Answer.Value.choices,
                widget=forms.RadioSelect(attrs={"class": "autosave"}),
                required=False,
                initial=answer.value,
                help_text=q.help,
            )
            self.fields[f"{prefix}_source"] = forms.CharField(
                label="Source of information if not the survivor",
                required=False,
                initial=answer.source,
            )
            self.fields[f"{prefix}_comment"] = forms.CharField(
                label="Comment",
                required=False,
                initial=answer.comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if assessment.is_dash:
            self.fields["police_incidents"] = forms.IntegerField(
                label="Police-reported incidents in the escalation window",
                min_value=0,
                max_value=999,
                required=False,
                initial=assessment.police_incidents,
            )
            self.fields["judgement_level"] = forms.ChoiceField(
                label=Assessment._meta.get_field("judgement_level").verbose_name,
                choices=Assessment._meta.get_field("judgement_level").choices,
                required=False,
                initial=assessment.judgement_level,
            )
            self.fields["judgement_reason"] = forms.CharField(
                label="Reason for professional judgement",
                required=False,
                widget=TEXT,
                initial=assessment.judgement_reason,
            )

    def sections(self):
        result = []
        for answer in self.answers:
            q = answer.question
            row = (q, *(self[f"q{q.number}_{part}"] for part in ("value", "source", "comment")))
            if not result or result[-1][0] != q.section:
                result.append((q.section, []))
            result[-1][1].append(row)
        return result

    def answer_data(self) -> dict:
        data = {}
        for answer in self.answers:
            prefix = f"q{answer.question.number}"
            if f"{prefix}_value" not in self.data and f"{prefix}_comment" not in self.data:
                continue  # an autosave of another part of the form
            data[answer.question_id] = {
                "value": self.cleaned_data.get(f"{prefix}_value", ""),
                "source": self.cleaned_data.get(f"{prefix}_source", ""),
                "comment": self.cleaned_data.get(f"{prefix}_comment", ""),
            }
        return data

    def extra_fields(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("police_incidents", "judgement_level", "judgement_reason")
            if name in self.fields and name in self.data
        }


class StartAssessmentForm(forms.Form):
    subject = forms.ModelChoiceField(
        Person.objects.none(),
        label="Who is this assessment about?",
        help_text="In a multiple-perpetrator case, choose the perpetrator or associate.",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Person.objects.filter(
            case=case, role__in=[Person.Role.PRIMARY_PERPETRATOR, Person.Role.ASSOCIATE]
        ).order_by("role", "given_name")
        self.fields["subject"].label_from_instance = lambda p: (
            f"{p.name} ({p.get_role_display().lower()})"
        )


class CorrectionForm(forms.Form):
    reason = forms.CharField(widget=TEXT, label="Why does this need correcting?")


class Stage2Form(forms.Form):
    immediate_risk = forms.TypedChoiceField(
        label="Is there an immediate risk to life?",
        choices=[
            ("yes", "Yes: she is in immediate danger"),
            ("no", "No: at risk but not in immediate danger"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class StepForm(forms.Form):
    outcome = forms.CharField(widget=TEXT, label="What was done and the outcome")


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = PLAN_FIELDS
        widgets = {
            "who_knows": TEXT,
            "who_might_suspect": TEXT,
            "expected_outcome": TEXT,
            "catalyst": TEXT,
            "perpetrator_name": forms.TextInput,
            "perpetrator_nicknames": forms.TextInput,
            "associates": TEXT,
            "contact_arrangements": TEXT,
            "accommodation_details": TEXT,
            "change_of_name_details": TEXT,
        }


class SafetyActionForm(forms.ModelForm):
    class Meta:
        model = SafetyAction
        fields = ["action", "owner", "review_on"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2}), "review_on": DATE}


SafetyActionFormSet = forms.formset_factory(SafetyActionForm, extra=2, can_delete=True)
