"""Non-step actions (records and off-graph acts) registered once, served on the web and the API.

A process app registers, in AppConfig.ready::

    register_collection("cases", lookup=lambda user, pk: <visible subject or Http404>)
    register_action(
        "cases", "inquiry",
        title=_("Add an inquiry record"),
        form_class=InquiryForm,
        form=lambda data, files, *, subject, user, prefix=None: InquiryForm(
            data, files, case=subject, user=user, prefix=prefix),
        perform=lambda *, subject, acting_user, data: services.case_record_inquiry(...),
        allowed=lambda *, subject, user: has_role(user, "officer"),
    )

``GET /api/<collection>/<id>/actions/`` lists what the caller may do with the form of each as
JSON Schema; ``GET``/``POST /api/<collection>/<id>/actions/<name>/`` describes/runs one through
the same form and service as the web page. A web page lists ``actions_of(collection)`` the
user is ``allowed`` and posts through ``action_submit`` (refusals become the form's errors).
Refusals are ``ValidationError`` (400, field messages) or ``PermissionDenied`` (403); an action
the caller may not use is 404.
The OpenAPI document gets one path per action with its form as the request body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .apiconv import errors_response, validation_errors
from .formschema import form_schema


@dataclass(frozen=True)
class Action:
    collection: str
    name: str
    title: Any
    form_class: Any  # the django Form class (its base fields describe the action in the OpenAPI document)
    form: Callable[..., Any]  # form(data, files, *, subject, user, prefix=None) -> bound form instance
    perform: Callable[..., Any]  # perform(*, subject, acting_user, data) -> object
    allowed: Callable[..., bool]  # allowed(*, subject, user) -> bool (the service still checks)


_COLLECTIONS: dict[str, Callable[[Any, int], Any]] = {}
_ACTIONS: dict[str, dict[str, Action]] = {}


def register_collection(name: str, *, lookup: Callable[[Any, int], Any]) -> None:
    _COLLECTIONS[name] = lookup
    _ACTIONS.setdefault(name, {})


def register_action(
    collection: str,
    name: str,
    *,
    title: Any,
    form_class: Any,
    perform: Callable[..., Any],
    allowed: Callable[..., bool],
    form: Callable[..., Any] | None = None,
) -> Action:
    def plain_form(data: Any, files: Any, *, subject: Any, user: Any, prefix: str | None = None) -> Any:
        return form_class(data, files, prefix=prefix)

    action = Action(collection, name, title, form_class, form or plain_form, perform, allowed)
    _ACTIONS.setdefault(collection, {})[name] = action
    return action


def collections() -> list[str]:
    return list(_COLLECTIONS)


def actions_of(collection: str) -> list[Action]:
    return list(_ACTIONS.get(collection, {}).values())


def action_for(collection: str, name: str) -> Action | None:
    return _ACTIONS.get(collection, {}).get(name)


def action_run(*, action: Action, subject: Any, acting_user: Any, data: Any, files: Any) -> tuple[Any, Any]:
    """Validate the action's form and run its service atomically: (result, None) or (None, form errors)."""
    form = action.form(data, files, subject=subject, user=acting_user)
    if not form.is_valid():
        return None, form.errors
    with transaction.atomic():
        result = action.perform(subject=subject, acting_user=acting_user, data=form.cleaned_data)
    return result, None


def action_submit(*, action: Action, form: Any, subject: Any, acting_user: Any) -> bool:
    """Run a valid web form's action atomically; a refusal becomes the form's errors, nothing is written."""
    try:
        with transaction.atomic():
            action.perform(subject=subject, acting_user=acting_user, data=form.cleaned_data)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for field_name, messages in errors.items():
            for message in messages:
                form.add_error(field_name if field_name in form.fields else None, message)
        return False
    return True


class ActionDescriptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    form = serializers.JSONField(help_text="JSON Schema of the action's form")


class ActionDoneSerializer(serializers.Serializer):
    action = serializers.CharField()
    id = serializers.IntegerField(allow_null=True, help_text="Id of the record the action created, if any")


def _describe(action: Action, subject: Any, user: Any) -> dict[str, Any]:
    form = action.form(None, None, subject=subject, user=user)
    return {"name": action.name, "title": str(action.title), "form": form_schema(form, title=str(action.title))}


def _subject(collection: str, user: Any, pk: int) -> Any:
    lookup = _COLLECTIONS.get(collection)
    if lookup is None:
        raise Http404
    return lookup(user, pk)


class ActionListView(APIView):
    collection = ""

    @extend_schema(
        summary="Actions the caller may take on this object now, each with its form as JSON Schema",
        responses={200: ActionDescriptionSerializer(many=True), 404: OpenApiResponse()},
    )
    def get(self, request: Request, pk: int) -> Response:
        subject = _subject(self.collection, request.user, pk)
        return Response(
            [
                _describe(action, subject, request.user)
                for action in actions_of(self.collection)
                if action.allowed(subject=subject, user=request.user)
            ]
        )


class ActionView(APIView):
    collection = ""
    action_name = ""

    def _action(self, request: Request, pk: int) -> tuple[Action, Any]:
        subject = _subject(self.collection, request.user, pk)
        action = action_for(self.collection, self.action_name)
        if action is None or not action.allowed(subject=subject, user=request.user):
            raise Http404
        return action, subject

    @extend_schema(
        summary="Describe this action: its form as JSON Schema",
        responses={200: ActionDescriptionSerializer(), 404: OpenApiResponse()},
    )
    def get(self, request: Request, pk: int) -> Response:
        action, subject = self._action(request, pk)
        return Response(_describe(action, subject, request.user))

    @extend_schema(
        summary="Take this action (JSON, or multipart when the form has files)",
        request=None,  # the action's form, filled in by workflows.stepschema
        responses={
            200: ActionDoneSerializer(),
            400: OpenApiResponse(description="field -> messages; `detail` for the rest"),
            403: OpenApiResponse(),
            404: OpenApiResponse(),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        action, subject = self._action(request, pk)
        try:
            result, errors = action_run(
                action=action, subject=subject, acting_user=request.user, data=request.data, files=request.FILES
            )
        except ValidationError as exc:
            return errors_response(validation_errors(exc))
        except PermissionDenied as exc:
            return errors_response({"detail": str(exc)}, status.HTTP_403_FORBIDDEN)
        if errors is not None:
            return errors_response(errors)
        return Response({"action": action.name, "id": getattr(result, "pk", None)})


def action_urlpatterns() -> list[Any]:
    """One path per registered action (so the OpenAPI document has one body per action)."""
    patterns = []
    for collection in _COLLECTIONS:
        patterns.append(
            path(
                f"{collection}/<int:pk>/actions/",
                ActionListView.as_view(collection=collection),
                name=f"api-{collection}-actions",
            )
        )
        for action in actions_of(collection):
            patterns.append(
                path(
                    f"{collection}/<int:pk>/actions/{action.name}/",
                    ActionView.as_view(collection=collection, action_name=action.name),
                    name=f"api-{collection}-action-{action.name}",
                )
            )
    return patterns
