"""The audit trail: access events, access changes, the decision log, information-sharing
records, django-auditlog's change log, and the seals that chain them.

Every table here is append-only in the database (a pgtrigger refuses UPDATE and DELETE)
and sealed into one SHA-256 hash chain (AuditSeal, audit.chain) that `manage.py
verify_audit` walks. Rows hold ids, kinds and what staff wrote as reasons — never values
copied from case records.
"""

import pgtrigger
from auditlog.models import LogEntry
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import ConfidentialQuerySet

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class AccessEvent(models.Model):
    """One row per view of case data, and per refused attempt."""

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Plain ids rather than foreign keys: the trail outlives and never constrains the data.
    case_id = models.BigIntegerField(null=True, db_index=True)
    object_kind = models.CharField(max_length=50)
    object_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=30)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    break_glass = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"]),
            models.Index(fields=["case_id", "at"]),
            models.Index(fields=["object_kind", "at"]),
            # Break-glass events are few: a partial index makes their review instant.
            models.Index(
                fields=["-at", "-id"], condition=Q(break_glass=True), name="accessevent_break_glass"
            ),
        ]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.action} {self.object_kind} by {self.user_id}"


class AccessChange(models.Model):
    """Who granted, revoked, excluded or broke the glass on a case, and why."""

    class Action(models.TextChoices):
        GRANT = "grant", "Access granted"
        REVOKE = "revoke", "Access revoked"
        EXPIRE = "expire", "Access expired"
        EXCLUDE = "exclude", "Excluded (conflict of interest)"
        UNEXCLUDE = "unexclude", "Exclusion lifted"
        BREAK_GLASS = "break_glass", "Break-glass access"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="access_changes")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.action} on {self.case_id}"


class DecisionLogEntry(models.Model):
    """A defensible decision: what, why, what else was considered, the risks weighed.
    Append-only; a correction is a new entry pointing at the one it corrects."""

    class Kind(models.TextChoices):
        SHARE_WITHOUT_CONSENT = "share_without_consent", "Sharing information without consent"
        BREAK_GLASS = "break_glass", "Emergency (break-glass) access"
        GRANT_ACCESS = "grant_access", "Giving access to the case"
        REVOKE_ACCESS = "revoke_access", "Removing access to the case"
        EXCLUDE = "exclude", "Excluding someone from the case"
        LIFT_EXCLUSION = "lift_exclusion", "Lifting an exclusion"
        CLOSE_CASE = "close_case", "Closing the case"
        REOPEN_CASE = "reopen_case", "Reopening the case"
        NO_MARAC_REFERRAL = "no_marac_referral", "Not referring to MARAC although criteria are met"
        OTHER = "other", "Other decision"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    decision = models.TextField()
    reasons = models.TextField()
    options_considered = models.TextField(blank=True)
    risks_weighed = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    # Reasons can hold what the survivor said: full scope only, never the perpetrator side.
    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-id"]
        triggers = [APPEND_ONLY]
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_has_reasons"),
        ]

    def __str__(self):
        return f"decision {self.pk} ({self.kind}) in {self.case_id}"


class SharingRecord(models.Model):
    """Information shared about a case: what, with whom, why, on what lawful basis and
    with or without consent. Always marked as domestic abuse (seed 002, 8.25-8.31)."""

    class Category(models.TextChoices):
        IDENTITY = "identity", "Names and identity"
        CONTACT = "contact", "Contact details and address"
        RISK = "risk", "Risk assessment (DASH and others)"
        SAFETY_PLAN = "safety_plan", "Safety plan"
        PERPETRATORS = "perpetrators", "Perpetrators and associates"
        CHILDREN = "children", "Children"
        HISTORY = "history", "Chronology and history"
        OTHER = "other", "Other"

    class Article6(models.TextChoices):
        CONSENT = "6(1)(a)", "6(1)(a) consent"
        LEGAL_OBLIGATION = "6(1)(c)", "6(1)(c) legal obligation"
        VITAL_INTERESTS = "6(1)(d)", "6(1)(d) vital interests"
        PUBLIC_TASK = "6(1)(e)", "6(1)(e) public task"
        LEGITIMATE_INTERESTS = "6(1)(f)", "6(1)(f) legitimate interests"

    class Article9(models.TextChoices):
        NONE = "", "No special category data"
        EXPLICIT_CONSENT = "9(2)(a)", "9(2)(a) explicit consent"
        VITAL_INTERESTS = "9(2)(c)", "9(2)(c) vital interests"
        SUBSTANTIAL_PUBLIC_INTEREST = (
            "9(2)(g)",
            "9(2)(g) substantial public interest (DPA 2018 Sch 1 Part 2)",
        )
        HEALTH_OR_SOCIAL_CARE = "9(2)(h)", "9(2)(h) health or social care"

    class Article10(models.TextChoices):
        NONE = "", "No criminal offence data"
        SAFEGUARDING = (
            "sch1-18",
            "DPA 2018 Sch 1 para 18: safeguarding of children and individuals at risk",
        )
        PREVENTING_CRIME = (
            "sch1-10",
            "DPA 2018 Sch 1 para 10: preventing or detecting unlawful acts",
        )
        OFFICIAL_AUTHORITY = "official", "Under the control of official authority"

    class Consent(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        NOT_SOUGHT = "not_sought", "Not sought"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sharing_records")
    categories = models.JSONField(default=list)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField("Person it was shared with", max_length=200)
    purpose = models.TextField()
    article6 = models.CharField("UK GDPR Article 6 basis", max_length=10, choices=Article6.choices)
    article9 = models.CharField(
        "Article 9 condition", max_length=10, choices=Article9.choices, blank=True
    )
    article10 = models.CharField(
        "Article 10 basis", max_length=10, choices=Article10.choices, blank=True
    )
    consent = models.CharField(max_length=12, choices=Consent.choices)
    consent_note = models.TextField("Why consent was refused or not sought", blank=True)
    marked_domestic_abuse = models.BooleanField(default=True, editable=False)
    decision = models.OneToOneField(
        DecisionLogEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="sharing"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-id"]
        triggers = [APPEND_ONLY]
        constraints = [
            # Sharing without consent needs its decision-log entry, in the database too.
            models.CheckConstraint(
                condition=Q(consent="given") | Q(decision__isnull=False),
                name="sharing_without_consent_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(marked_domestic_abuse=True), name="sharing_marked_da"
            ),
        ]

    def __str__(self):
        return f"sharing {self.pk} in {self.case_id}"

    @property
    def category_labels(self) -> list[str]:
        return [self.Category(c).label for c in self.categories if c in self.Category.values]


class ProtectedLogEntry(LogEntry):
    """django-auditlog's table, made append-only (pgtrigger installs on a proxy)."""

    class Meta:
        proxy = True
        triggers = [APPEND_ONLY]


class AuditSeal(models.Model):
    """One link of the hash chain over every audit table, in sealing order.

    row_hash is SHA-256 of the row as PostgreSQL's to_jsonb() renders it; chain_hash is
    SHA-256 of the previous chain_hash and this row_hash. Altering, deleting or
    back-dating a sealed row breaks the chain at that row (verify_audit names it).
    """

    table = models.CharField(max_length=63)
    row_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        triggers = [APPEND_ONLY]
        constraints = [models.UniqueConstraint(fields=["table", "row_id"], name="seal_once")]

    def __str__(self):
        return f"seal {self.pk}: {self.table} {self.row_id}"


class ReviewFlag(models.Model):
    """An access event that needs a manager's eye, and their sign-off."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", "Break-glass use"
        OUT_OF_HOURS = "out_of_hours", "Access outside working hours"
        MANY_CASES = "many_cases", "Many distinct cases in an hour"
        EXCLUDED_ATTEMPT = "excluded_attempt", "Access attempted by an excluded user"

    event = models.ForeignKey(AccessEvent, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["signed_off_at", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="flag_once_per_kind")]
        indexes = [models.Index(fields=["-created_at"], name="reviewflag_created")]
        triggers = [
            # A flag is signed off once; after that it never changes, and none is deleted.
            pgtrigger.Protect(
                name="signed_off_is_final",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__signed_off_at__isnull=False),
            ),
            pgtrigger.Protect(name="no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.kind} flag on event {self.event_id}"


class AuditCursor(models.Model):
    """Where a background job got to in the access events (e.g. anomaly flagging)."""

    name = models.CharField(max_length=50, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} at {self.last_id}"
