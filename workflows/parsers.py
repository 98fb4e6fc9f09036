"""Request bodies: every API endpoint takes a JSON object, never a bare array, number or string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

JSON_NOT_AN_OBJECT = _("The request body must be a JSON object.")


class ObjectJSONParser(JSONParser):
    """JSONParser that answers 400 for valid JSON that is not an object, before any view sees it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, Mapping):
            raise ParseError(JSON_NOT_AN_OBJECT)
        return data
