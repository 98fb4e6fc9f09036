"""Filters for official documents: Chinese dates and lists that may arrive as one string."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


def _parse(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for parser in (dt.datetime.fromisoformat, dt.date.fromisoformat):
            try:
                return parser(text)
            except ValueError:
                continue
    return None


@register.filter
def cn_date(value: Any) -> str:
    """2026-03-12 -> 2026年3月12日; a datetime also gets the time (14时30分)."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    if isinstance(parsed, dt.datetime):
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        if len(str(value)) > 10:
            return f"{parsed.year}年{parsed.month}月{parsed.day}日{parsed.hour}时{parsed.minute:02d}分"
    return f"{parsed.year}年{parsed.month}月{parsed.day}日"


@register.filter
def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


@register.filter
def cn_amount(value: Any) -> str:
    """Amounts in yuan as the documents write them: 12000 -> 12,000元."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"
