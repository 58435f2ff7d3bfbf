"""Access events and access-change history.

Rows hold ids, kinds and reasons given by staff — never values from case records. The
audit issue adds tamper evidence (append-only triggers and a hash chain) to these tables.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.action} {self.object_kind} by {self.user_id}"


class AccessChange(models.Model):
    """Who granted, revoked, excluded or broke the glass on a case, and why."""

    class Action(models.TextChoices):
        GRANT = "grant", "Access granted"
        REVOKE = "revoke", "Access revoked"
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
        ordering = ["-at"]

    def __str__(self):
        return f"{self.action} on {self.case_id}"
