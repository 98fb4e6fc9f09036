"""The installable field app: a web app manifest and a service worker that caches the shell.

Both are public (the login page installs too). The worker is served under /public/app/ with
``Service-Worker-Allowed: /`` so its scope is the whole site; it caches only static assets and
an offline page, never a page with someone's data.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SHELL_VERSION = "xiuhua-shell-1"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": _("Xiuhua urban management"),
            "short_name": _("Xiuhua"),
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1a4f8b",
            "lang": request.LANGUAGE_CODE,
            "icons": [
                {"src": static("xiuhua/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("xiuhua/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render_to_string(
        "workflows/sw.js",
        {
            "version": SHELL_VERSION,
            "shell": [static("xiuhua/xiuhua.css"), static("xiuhua/xiuhua.js"), static("xiuhua/icon-192.png")],
            "offline_url": "/public/app/offline/",
        },
    )
    response = HttpResponse(body, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("workflows/offline.html", request=request))


urlpatterns = [
    path("manifest.webmanifest", manifest, name="pwa-manifest"),
    path("sw.js", service_worker, name="pwa-service-worker"),
    path("offline/", offline, name="pwa-offline"),
]
