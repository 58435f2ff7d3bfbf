from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk"

    def ready(self):
        from auditlog.registry import auditlog

        from cases.fields import encrypted_fields
        from risk import models

        # Every encrypted field, and staff's free text, masked whole in the audit trail.
        free_text = {
            models.Assessment: ["supersede_reason"],
            models.SafetyPlan: ["supersede_reason"],
        }
        for model in [
            models.Assessment,
            models.Answer,
            models.Stage2Decision,
            models.Stage2Step,
            models.SafetyPlan,
            models.SafetyAction,
        ]:
            masked = encrypted_fields(model) + free_text.get(model, [])
            auditlog.register(model, mask_fields=masked, mask_callable="audit.masking.redact")
