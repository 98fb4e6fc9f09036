"""Every API list is paged: ``?page=`` and ``?page_size=`` (at most ``max_page_size``).

The body is ``{count, next, previous, results}``; ``results`` keeps each endpoint's item shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def paginated(request: Request, view: Any, queryset: Any, serialize: Callable[[Any], Any]) -> Response:
    """A page of ``queryset`` for a plain APIView, each item passed through ``serialize``."""
    paginator = Pagination()
    page: Iterable[Any] = paginator.paginate_queryset(queryset, request, view=view) or []
    return paginator.get_paginated_response([serialize(item) for item in page])


def paged_schema(name: str, item: Any) -> Any:
    """The OpenAPI shape of a page of ``item`` (a serializer instance or class) for plain APIViews."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    items = item(many=True) if isinstance(item, type) else item
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": items,
        },
    )
