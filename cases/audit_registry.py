"""django-auditlog registration for every cases model.

auditlog writes field values and str(obj) into its log. Encrypted fields, names and any
free text staff type are masked in full (audit.masking.redact), so the audit trail never
becomes a second copy of what the case holds; __str__ of every model names only ids,
kinds and references.
"""

from auditlog.registry import auditlog

from cases import models
from cases.fields import encrypted_fields

NAMES_AND_FREE_TEXT = {
    models.Case: ["closure_reason"],
    models.Person: ["given_name", "family_name", "date_of_birth", "disability", "religion"],
    models.Alias: ["name"],
    models.WarningMarker: ["details"],
    models.CaseTask: ["title"],
    models.CaseUserObjectPermission: ["reason"],
    models.CaseExclusion: ["reason"],
    models.BreakGlass: ["reason"],
    models.Notification: ["message"],
}

for model in [
    models.Case,
    models.Person,
    models.Alias,
    models.WarningMarker,
    models.Disclosure,
    models.SafeContact,
    models.ChronologyEntry,
    models.CaseTask,
    models.CaseUserObjectPermission,
    models.CaseExclusion,
    models.BreakGlass,
    models.Notification,
]:
    masked = encrypted_fields(model) + NAMES_AND_FREE_TEXT.get(model, [])
    auditlog.register(model, mask_fields=masked, mask_callable="audit.masking.redact")
