from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from outdoor_ads.views import ApplicationDetailView
from workflows.views import HomeView, health


class WorkbenchApp(Application):
    title = _("Workbench")
    icon = "home"
    app_name = "workbench"
    index_path = path("", HomeView.as_view(), name="index")


class PermitsApp(Application):
    title = _("Outdoor advertising")
    icon = "campaign"
    app_name = "ads"
    application_detail_path = path(
        "applications/<int:pk>/", ApplicationDetailView.as_view(), name="application_detail"
    )


site = Site(title=_("Xiuhua urban management"), viewsets=[WorkbenchApp(), PermitsApp()])

urlpatterns = [
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("workflows.api")),
    path("health/", health, name="health"),
    path("", include("workflows.documents.urls")),
    path("admin/", admin.site.urls),
    path("", site.urls),
]
