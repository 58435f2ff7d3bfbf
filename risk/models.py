"""Risk: question sets as versioned data, assessments, Stage 2 and the safety plan.

A submitted assessment or a final safety plan is never changed: a correction is a new
version that supersedes it, with a reason. Perpetrator-side workers see only the
perpetrator-focused assessments they completed (AssessmentQuerySet.for_user).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.fields import EncryptedTextField
from cases.models import Case, CaseScopedQuerySet, ConfidentialQuerySet, Person, RiskLevel


class QuestionSet(models.Model):
    class Code(models.TextChoices):
        DASH = "dash_ric", "DASH risk identification checklist"
        MPA_PERPETRATOR = (
            "mpa_perpetrator",
            "Multiple-perpetrator assessment: perpetrator or associate",
        )
        MPA_SURVIVOR = (
            "mpa_survivor_indicators",
            "Multiple-perpetrator assessment: indicators for the survivor",
        )
        IMMINENT = "imminent_risk", "Imminent or severe risk of harm checklist"

    code = models.CharField(max_length=40, choices=Code.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    about = models.CharField(max_length=20)  # "perpetrator" or "survivor"
    source = models.TextField()
    guidance = models.TextField(blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="question_set_version_unique")
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @property
    def about_perpetrator(self) -> bool:
        return self.about == "perpetrator"

    @classmethod
    def current(cls, code: str) -> "QuestionSet":
        return cls.objects.filter(code=code).order_by("-version").first()


class Question(models.Model):
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, related_name="questions"
    )
    number = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=100)
    text = models.TextField()
    help = models.TextField(blank=True)
    scored = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question_set", "number"], name="question_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.question_set} Q{self.number}"

    def text_for(self, subject_name: str) -> str:
        return self.text.replace("{abuser}", subject_name or "the abuser")


class AssessmentQuerySet(CaseScopedQuerySet):
    def for_user(self, user, *, perm: str = "view"):
        """Full scope: every assessment of the case. Perpetrator side: only the
        perpetrator-focused assessments the user completed themselves — never the
        survivor's DASH answers or indicators (issue: "Who sees what")."""
        full = Case.objects.visible_to(user, perm=perm, full_scope=True)
        any_scope = Case.objects.visible_to(user, perm=perm)
        own_perpetrator_side = Q(
            case__in=any_scope,
            question_set__code=QuestionSet.Code.MPA_PERPETRATOR,
            created_by=user,
        )
        return self.filter(Q(case__in=full) | own_perpetrator_side)

    def submitted(self):
        return self.filter(status=Assessment.Status.SUBMITTED)

    def current(self):
        """Submitted and not superseded by a later submitted version."""
        return self.submitted().filter(superseded_by__isnull=True)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="The perpetrator or associate the assessment is about.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    supersede_reason = models.TextField(blank=True)
    # DASH only: the scoring inputs and results, fixed at submission.
    police_incidents = models.PositiveSmallIntegerField(
        "Police-reported incidents in the escalation window", null=True, blank=True
    )
    judgement_level = models.CharField(
        "Professional judgement: raise the level to",
        max_length=20,
        choices=[("", "No change"), (RiskLevel.MEDIUM, "Medium"), (RiskLevel.HIGH, "High")],
        blank=True,
    )
    judgement_reason = EncryptedTextField("Reason for professional judgement", blank=True)
    yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    criteria = models.JSONField(default=list, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self):
        return f"{self.question_set.code} assessment {self.pk} in {self.case_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_dash(self) -> bool:
        return self.question_set.code == QuestionSet.Code.DASH


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        DONT_KNOW = "dont_know", "Don't know"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=10, choices=Value.choices, blank=True)
    source = EncryptedTextField("Source of information if not the survivor", blank=True)
    comment = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"answer to Q{self.question_id} in assessment {self.assessment_id}"


class Stage2Decision(models.Model):
    """Stage 2 of the Nottingham guidance: is there an immediate risk to life?"""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stage2_decisions")
    immediate_risk = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    after = models.CharField(max_length=100, blank=True)  # "disclosure 3", "assessment 7"

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"stage 2 decision in {self.case_id}"


class Stage2StepQuerySet(ConfidentialQuerySet):
    case_path = "decision__case"


class Stage2Step(models.Model):
    """One guided step after an immediate-risk decision, recorded with time and outcome."""

    class Step(models.TextChoices):
        POLICE = (
            "police",
            "Contact the police: the imminent risks, the multiple-perpetrator risks, how to contact her safely",
        )
        CHILDRENS_SOCIAL_CARE = (
            "csc",
            "Refer to children's social care and tell the duty team how to contact her safely",
        )
        REFUGE = "refuge", "Encourage support and consider refuge or safe accommodation"

    decision = models.ForeignKey(Stage2Decision, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = Stage2StepQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "step"], name="stage2_step_once")
        ]

    def __str__(self):
        return f"stage 2 step {self.step} in decision {self.decision_id}"


class SafetyPlanQuerySet(ConfidentialQuerySet):
    def current(self):
        return self.filter(status=SafetyPlan.Status.FINAL, superseded_by__isnull=True)


class SafetyPlan(models.Model):
    """The Multiple Perpetrators Safety Planning form of seed 000, pre-filled from the
    case. Final versions are immutable; a change is a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    class YesNo(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNKNOWN = "", "Not known"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    supersede_reason = models.TextField(blank=True)
    anyone_knows = models.CharField(
        "Does anyone know about the disclosure?", max_length=3, choices=YesNo.choices, blank=True
    )
    who_knows = EncryptedTextField("Details: who knows", blank=True)
    anyone_suspects = models.CharField(
        "Might anyone suspect that she has made a disclosure?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    who_might_suspect = EncryptedTextField("Details: who might suspect", blank=True)
    expected_outcome = EncryptedTextField(
        "What does she think will happen if the perpetrator or associates learn about the disclosure?",
        blank=True,
    )
    catalyst = EncryptedTextField("What is the catalyst for her disclosing now?", blank=True)
    dash_rating = models.CharField("DASH RIC risk rating", max_length=100, blank=True)
    mapping_done = models.BooleanField(
        "Mapping tool completed (associates recorded)", default=False
    )
    perpetrator_name = EncryptedTextField("Perpetrator name", blank=True)
    perpetrator_nicknames = EncryptedTextField("Nicknames", blank=True)
    associates = EncryptedTextField("Identified perpetrator associates", blank=True)
    can_contact_safely = models.CharField(
        "Can she be contacted safely?", max_length=3, choices=YesNo.choices, blank=True
    )
    contact_arrangements = EncryptedTextField("How might we arrange a contact?", blank=True)
    has_safe_accommodation = models.CharField(
        "Does she have access to safe accommodation?",
        max_length=3,
        choices=YesNo.choices,
        blank=True,
    )
    accommodation_details = EncryptedTextField("If not, is it needed? Details", blank=True)
    change_of_name_needed = models.CharField(
        "Is a change of name needed if possible?", max_length=3, choices=YesNo.choices, blank=True
    )
    change_of_name_details = EncryptedTextField("Details: change of name", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    objects = SafetyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="safety_plan_version_unique")
        ]

    def __str__(self):
        return f"safety plan v{self.version} in {self.case_id}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class SafetyAction(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="actions")
    action = EncryptedTextField()
    owner = models.CharField(max_length=200)
    review_on = models.DateField("Review date", null=True, blank=True)

    class Meta:
        ordering = ["review_on", "pk"]

    def __str__(self):
        return f"action in safety plan {self.plan_id}"
