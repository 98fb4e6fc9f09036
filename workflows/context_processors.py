from typing import Any

from django.conf import settings
from django.http import HttpRequest


def product(request: HttpRequest) -> dict[str, Any]:
    # The site's name is the default issuing authority's (admin data), unless a deployment
    # overrides it with XIUHUA_BUREAU_NAME.
    from workflows.documents.authorities import site_authority_name

    return {"bureau_name": settings.XIUHUA_BUREAU_NAME or site_authority_name()}
