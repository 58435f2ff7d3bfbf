from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group

from accounts.models import Agency, Role, Team, User


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The email address or password is not right. Both are case-sensitive "
        "apart from the email address.",
        "inactive": "This account has been deactivated. Ask your system administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "username", "autofocus": True}
        )


class OTPCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").strip()


class EnrolForm(OTPCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your app shows after you add Harbour."


class StaffFilterForm(forms.Form):
    STATUS_CHOICES = [("active", "Active"), ("inactive", "Deactivated"), ("all", "All")]

    q = forms.CharField(label="Search", required=False)
    agency = forms.ModelChoiceField(Agency.objects.all(), required=False, empty_label="Any agency")
    role = forms.ChoiceField(choices=[("", "Any role"), *Role.choices], required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, initial="active")

    def filter(self, queryset):
        data = self.cleaned_data if self.is_valid() else {}
        queryset = queryset.search(data.get("q", ""))
        if data.get("agency"):
            queryset = queryset.filter(agency=data["agency"])
        if data.get("role"):
            queryset = queryset.with_roles(data["role"])
        status = data.get("status") or "active"
        if status != "all":
            queryset = queryset.filter(is_active=status == "active")
        return queryset


class StaffForm(forms.ModelForm):
    """Create or edit a member of staff. It sets no password: the person sets their own
    through a one-time activation link (ASVS 6.4.6: an administrator never sets one)."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Roles say what someone does. They never show anyone a case: case access "
        "is given to named people on each case.",
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "agency", "team"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].required = True
        self.fields["team"].queryset = Team.objects.select_related("agency")
        if self.instance.pk:
            self.initial["roles"] = list(self.instance.groups.values_list("name", flat=True))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another account already uses this email address.")
        return email

    def clean(self):
        cleaned = super().clean()
        team, agency = cleaned.get("team"), cleaned.get("agency")
        if team and agency and team.agency_id != agency.pk:
            self.add_error("team", f"{team.name} is a team of {team.agency.name}, not {agency}.")
        return cleaned

    def role_groups(self):
        return Group.objects.filter(name__in=self.cleaned_data.get("roles", []))
