"""JSON Schema (draft 2020-12 subset, as OpenAPI 3.1 reads it) from a Django form's fields.

The web page renders the form; the API describes the same form with this, so a client learns
types, required flags, choices with their (Chinese) labels and which fields take files.
With ``enumerate_models=False`` (the OpenAPI document) model choices are not read from the
database; the per-task description instantiates the form for the task and lists them.
"""

from __future__ import annotations

from typing import Any

from django import forms


def _choices(field: Any, enumerate_models: bool) -> list[dict[str, Any]] | None:
    if isinstance(field, forms.ModelChoiceField) and not enumerate_models:
        return None
    choices = getattr(field, "choices", None)
    if choices is None:
        return None
    options: list[dict[str, Any]] = []
    for value, label in choices:
        if value in ("", None):
            continue
        if isinstance(label, list | tuple):  # an optgroup
            options.extend({"const": _plain(v), "title": str(lab)} for v, lab in label)
            continue
        options.append({"const": _plain(value), "title": str(label)})
    return options


def _plain(value: Any) -> Any:
    value = getattr(value, "value", value)  # ModelChoiceIteratorValue
    return value if isinstance(value, int | str) else str(value)


def _is_file(field: Any) -> bool:
    return isinstance(field, forms.FileField)


def _is_multiple_file(field: Any) -> bool:
    return _is_file(field) and bool(getattr(field.widget, "allow_multiple_selected", False))


def field_schema(field: Any, *, enumerate_models: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        item: dict[str, Any] = {"type": "integer" if isinstance(field, forms.ModelMultipleChoiceField) else "string"}
        options = _choices(field, enumerate_models)
        if options is not None:
            item = {"oneOf": options} if options else item
        schema = {"type": "array", "items": item}
    elif isinstance(field, forms.ModelChoiceField):
        schema = {"type": "integer", "description": "id"}
        options = _choices(field, enumerate_models)
        if options:
            schema["oneOf"] = options
    elif isinstance(field, forms.ChoiceField):
        options = _choices(field, enumerate_models) or []
        schema = {"type": "string", "oneOf": options} if options else {"type": "string"}
    elif _is_multiple_file(field):
        schema = {"type": "array", "items": {"type": "string", "format": "binary"}, "x-file": True}
    elif _is_file(field):
        schema = {"type": "string", "format": "binary", "x-file": True}
    elif isinstance(field, forms.BooleanField | forms.NullBooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        schema = {"type": "integer"}
    elif isinstance(field, forms.DecimalField):
        # Decimals travel as strings so no precision is lost ("12.50").
        schema = {"type": "string", "format": "decimal"}
        if field.max_digits is not None and field.decimal_places is not None:
            whole, places = field.max_digits - field.decimal_places, field.decimal_places
            schema["pattern"] = rf"^-?\d{{0,{whole}}}(\.\d{{0,{places}}})?$"
    elif isinstance(field, forms.FloatField):
        schema = {"type": "number"}
    elif isinstance(field, forms.SplitDateTimeField | forms.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.EmailField):
        schema = {"type": "string", "format": "email"}
    else:
        schema = {"type": "string"}
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
        if getattr(field, "min_length", None):
            schema["minLength"] = field.min_length
    for attr, key in (("min_value", "minimum"), ("max_value", "maximum")):
        bound = getattr(field, attr, None)
        if bound is not None and schema.get("type") in ("integer", "number"):
            schema[key] = bound if isinstance(bound, int | float) else float(bound)
    if field.label:
        schema["title"] = str(field.label)
    if field.help_text:
        schema["description"] = str(field.help_text)
    return schema


def form_schema(form: Any, *, enumerate_models: bool = True, title: str = "") -> dict[str, Any]:
    """The schema of a form instance (its runtime fields) or class (its base fields)."""
    fields = form.fields if isinstance(form, forms.BaseForm) else form.base_fields
    properties = {name: field_schema(field, enumerate_models=enumerate_models) for name, field in fields.items()}
    required = [name for name, field in fields.items() if field.required]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if title:
        schema["title"] = title
    files = [name for name, field in fields.items() if _is_file(field)]
    if files:
        schema["x-file-fields"] = files
    return schema


def openapi30(schema: Any) -> Any:
    """The same schema for an OpenAPI 3.0 document: choices as ``enum`` with ``x-enum-titles``."""
    if isinstance(schema, list):
        return [openapi30(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: openapi30(value) for key, value in schema.items() if key != "oneOf"}
    options = schema.get("oneOf")
    if options and all(isinstance(o, dict) and "const" in o for o in options):
        result["enum"] = [o["const"] for o in options]
        result["x-enum-titles"] = {str(o["const"]): o.get("title", "") for o in options}
    elif options is not None:
        result["oneOf"] = openapi30(options)
    return result
