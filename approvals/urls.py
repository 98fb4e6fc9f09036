from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from outdoor_ads.urls import PermitsApp, permit_flow_viewset, public_urlpatterns
from workflows.views import HomeView, health


class WorkbenchApp(Application):
    title = _("Workbench")
    icon = "home"
    app_name = "workbench"
    index_path = path("", HomeView.as_view(), name="index")


site = Site(
    title=_("Xiuhua urban management"), viewsets=[WorkbenchApp(), PermitsApp(), permit_flow_viewset()]
)

urlpatterns = [
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("workflows.api")),
    path("api/", include("outdoor_ads.api")),
    path("public/ads/", include(public_urlpatterns)),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("", site.urls),
]
