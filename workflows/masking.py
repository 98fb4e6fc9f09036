"""Masking of personal data for anyone but its owner (domain §3.8)."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """110101199003071234 -> 110101********1234 (first 6 and last 4 kept)."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """A natural person's name keeps its first character: 张三 -> 张*, 欧阳明华 -> 欧***."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
