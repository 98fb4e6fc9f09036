from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def product(request: HttpRequest) -> dict[str, Any]:
    # The site's name is the default issuing authority's (admin data), unless a deployment
    # overrides it with XIUHUA_BUREAU_NAME; looked up only by pages that show it.
    from workflows.documents.authorities import site_authority_name

    if settings.XIUHUA_BUREAU_NAME:
        return {"bureau_name": settings.XIUHUA_BUREAU_NAME}
    return {"bureau_name": SimpleLazyObject(site_authority_name)}
