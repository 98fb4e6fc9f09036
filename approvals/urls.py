from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from construction_waste.urls import WasteApp, waste_flow_viewset
from illegal_building.viewsets import CasesApp
from outdoor_ads.urls import PermitsApp, permit_flow_viewset, public_urlpatterns
from workflows.sla import views as sla_views
from workflows.views import HomeView, health


class WorkbenchApp(Application):
    title = _("Workbench")
    icon = "home"
    app_name = "workbench"
    menu_template_name = None
    index_path = path("", HomeView.as_view(), name="index")


class SupervisionApp(Application):
    title = _("Supervision")
    icon = "timer"
    app_name = "sla"
    # Everyone reaches their notifications here; the menu entry is for those who supervise.
    menu_permission = "workflows.view_supervision"
    menu_template_name = "workflows/supervision_menu.html"
    index_path = path("", sla_views.DashboardView.as_view(), name="index")
    csv_path = path("export.csv", sla_views.DashboardCsvView.as_view(), name="dashboard_csv")
    notifications_path = path("notifications/", sla_views.NotificationListView.as_view(), name="notifications")
    read_all_path = path("notifications/read/", sla_views.NotificationReadView.as_view(), name="notifications_read_all")
    read_path = path("notifications/<int:pk>/read/", sla_views.NotificationReadView.as_view(), name="notification_read")
    escalations_path = path("escalations/", sla_views.EscalationListView.as_view(), name="escalations")
    take_over_path = path(
        "escalations/<int:pk>/take-over/", sla_views.EscalationTakeOverView.as_view(), name="escalation_take_over"
    )


site = Site(
    title=_("Xiuhua urban management"),
    primary_color="#1a4f8b",
    secondary_color="#c62828",
    viewsets=[
        WorkbenchApp(),
        PermitsApp(),
        permit_flow_viewset(),
        WasteApp(),
        waste_flow_viewset(),
        CasesApp(),
        SupervisionApp(),
    ],
)

handler403 = "workflows.errors.permission_denied"

urlpatterns = [
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/cases/", include("illegal_building.api")),
    path("api/", include("workflows.api")),
    path("api/", include("outdoor_ads.api")),
    path("api/", include("construction_waste.api")),
    path("public/ads/", include(public_urlpatterns)),
    path("public/", include("illegal_building.public_urls")),
    path("public/app/", include("workflows.pwa")),
    path("health/", health, name="health"),
    path("", include("workflows.documents.urls")),
    path("admin/", admin.site.urls),
    path("", site.urls),
]
