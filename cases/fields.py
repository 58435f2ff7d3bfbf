"""Field encryption at rest: a small field of our own on cryptography's MultiFernet.

Keys come from FIELD_ENCRYPTION_KEYS (newest first: the first encrypts, all decrypt),
never from SECRET_KEY. A value that no key opens raises DecryptionError: a wrong key must
fail loudly, never show ciphertext or an empty field (stack-notes §3).

Ciphertext has a random IV, so these columns cannot be filtered, ordered or indexed.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models


class DecryptionError(Exception):
    """An encrypted value could not be opened with any configured key."""


@lru_cache(maxsize=1)
def fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from error


def _reset(setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        fernet.cache_clear()


setting_changed.connect(_reset)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "An encrypted field could not be decrypted with FIELD_ENCRYPTION_KEYS. "
            "Is the right key configured (newest first, older keys after it)?"
        ) from None


def rotate(token: str) -> str:
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("An encrypted field could not be rotated: no key opens it.") from None


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Empty text is stored as an empty string so that
    optional fields stay optional; every non-empty value is encrypted."""

    encrypted = True

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
