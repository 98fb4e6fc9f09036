from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("documents/<int:pk>/pdf/", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
