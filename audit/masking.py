def redact(value) -> str:
    """django-auditlog's mask: the whole value, never half of it (stack-notes §2)."""
    return "[redacted]"
