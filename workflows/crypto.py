"""Encryption at rest for personal identifiers (ID numbers).

The key comes from the environment (``XIUHUA_FIELD_KEY``), never from SECRET_KEY in production, so
rotating the secret key does not make stored ID numbers unreadable. Rotation of the field key itself:
put the new key in XIUHUA_FIELD_KEY and the previous ones in XIUHUA_FIELD_KEY_OLD (comma-separated);
values encrypt under the new key and decrypt under any (MultiFernet), and
``manage.py rotate_field_key`` re-encrypts every stored value so the old keys can then be dropped.

A key is a Fernet key (``Fernet.generate_key()``: 32 random bytes, URL-safe base64). Anything else is
taken as a passphrase and stretched with SHA-256, which is how values written before XIUHUA_FIELD_KEY
was read were keyed (the passphrase was SECRET_KEY): put the old SECRET_KEY in XIUHUA_FIELD_KEY_OLD
once, run rotate_field_key, and remove it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def is_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode())) == 32 and len(value) == 44
    except (binascii.Error, ValueError):
        return False


def _fernet_for(value: str) -> Fernet:
    if is_fernet_key(value):
        return Fernet(value.encode())
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(("xiuhua-field:" + value).encode()).digest()))


def configured_keys() -> tuple[str, ...]:
    """The primary key first, then the old ones still accepted for reading."""
    primary = getattr(settings, "XIUHUA_FIELD_KEY", "") or settings.SECRET_KEY  # SECRET_KEY: development only
    old = tuple(k for k in getattr(settings, "XIUHUA_FIELD_KEY_OLD", ()) if k and k != primary)
    return (primary, *old)


@functools.lru_cache(maxsize=8)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet_for(key) for key in keys])


def field_cipher() -> MultiFernet:
    return _multi(configured_keys())


def primary_cipher() -> Fernet:
    return _fernet_for(configured_keys()[0])


def encrypt(value: str) -> str:
    return field_cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return field_cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a protected field: none of the configured field keys fits") from exc


def needs_rotation(token: str) -> bool:
    """True when ``token`` was not written under the primary key."""
    try:
        primary_cipher().decrypt(token.encode())
    except InvalidToken:
        return True
    return False


def rotate(token: str) -> str:
    """Re-encrypt under the primary key (raises ValueError if no configured key can read it)."""
    try:
        return field_cipher().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a protected field: none of the configured field keys fits") from exc


class EncryptedCharField(models.TextField):
    """Stores a Fernet token; Python code sees the plain value."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored encrypted, across all installed apps."""
    from django.apps import apps

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedCharField)
    ]
