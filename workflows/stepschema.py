"""drf-spectacular post-processing: one request schema per registered step for /complete/.

The body of ``POST /api/tasks/{id}/complete/`` is a ``oneOf`` of the steps' forms, keyed by the
``step`` property (the task's ``step_key``), so a client generator produces one type per step.
Generated from the registered forms: a new step is in the document without touching the view.
"""

from __future__ import annotations

import re
from typing import Any

from .actions import actions_of, collections
from .formschema import form_schema, openapi30
from .taskapi import registered_steps, step_key

COMPLETE_PATH = "/api/tasks/{task_id}/complete/"

# (path, method) -> django Form class: the request body of a view that validates with a form.
_FORM_BODIES: dict[tuple[str, str], Any] = {}


def register_form_body(path: str, method: str, form_class: Any) -> None:
    """Document ``form_class`` as the body of ``method path`` (the one form the view validates with)."""
    _FORM_BODIES[(path, method.lower())] = form_class


def component_name(key: str) -> str:
    return "Step_" + "_".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", key) if part)


def add_step_schemas(result: dict[str, Any], generator: Any, request: Any, public: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _add_action_schemas(result, schemas)
    _add_form_bodies(result, schemas)
    _add_not_found(result, schemas)
    operation = result.get("paths", {}).get(COMPLETE_PATH, {}).get("post")
    if operation is None:
        return result
    mapping: dict[str, str] = {}
    for step in sorted(registered_steps(), key=lambda s: step_key(s.node)):
        key = step_key(step.node)
        schema = openapi30(form_schema(step.form_class, enumerate_models=False, title=str(step.node.task_title)))
        schema["properties"] = {
            "step": {"type": "string", "enum": [key], "description": "Which step this body completes"},
            **schema["properties"],
        }
        schema["required"] = ["step", *schema.get("required", [])]
        name = component_name(key)
        schemas[name] = schema
        mapping[key] = f"#/components/schemas/{name}"
    body = {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "step", "mapping": mapping},
    }
    operation["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": body}, "multipart/form-data": {"schema": body}},
    }
    return result


def _add_action_schemas(result: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Each registered action's path gets its form as the POST body."""
    paths = result.get("paths", {})
    for collection in collections():
        for action in actions_of(collection):
            operation = paths.get(f"/api/{collection}/{{id}}/actions/{action.name}/", {}).get("post")
            if operation is None:
                continue
            name = component_name(f"action {collection} {action.name}")
            schemas[name] = openapi30(form_schema(action.form_class, enumerate_models=False, title=str(action.title)))
            ref = {"$ref": f"#/components/schemas/{name}"}
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref}, "multipart/form-data": {"schema": ref}},
            }


def _add_form_bodies(result: dict[str, Any], schemas: dict[str, Any]) -> None:
    paths = result.get("paths", {})
    for (path, method), form_class in _FORM_BODIES.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        name = component_name(f"form {form_class.__name__}")
        schemas[name] = openapi30(form_schema(form_class, enumerate_models=False))
        ref = {"$ref": f"#/components/schemas/{name}"}
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref}, "multipart/form-data": {"schema": ref}},
        }


def _add_not_found(result: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Every operation on an object answers 404 for what the caller may not see: say so."""
    schemas.setdefault(
        "ErrorDetail",
        {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    )
    for path, operations in result.get("paths", {}).items():
        if "{" not in path:
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "404" not in responses or "content" not in responses["404"]:
                responses["404"] = {
                    "description": "Not found, or not visible to the caller",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
                }
