"""The product's URLs plus the take-over drills' task views (``pytest.mark.urls``)."""

from django.urls import path
from viewflow.workflow.flow.viewset import FlowViewset

from approvals.urls import urlpatterns as product_urlpatterns
from workflows.sla.examples import SlaListOnlyDrillFlow, SlaTakeOverDrillFlow

urlpatterns = [
    path("drill/", FlowViewset(SlaTakeOverDrillFlow).urls),
    path("drill-list/", FlowViewset(SlaListOnlyDrillFlow).urls),
    *product_urlpatterns,
]
