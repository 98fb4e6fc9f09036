from typing import Any

from django.conf import settings
from django.http import HttpRequest


def product(request: HttpRequest) -> dict[str, Any]:
    return {"bureau_name": settings.XIUHUA_BUREAU_NAME}
