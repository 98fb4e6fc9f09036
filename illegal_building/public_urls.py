from django.urls import path

from . import views

urlpatterns = [
    path("cases/report/", views.PublicReportView.as_view(), name="public_case_report"),
    path("disclosures/", views.DisclosureListView.as_view(), name="public_disclosures"),
    path("disclosures/<int:pk>/", views.DisclosureDetailView.as_view(), name="public_disclosure"),
]
