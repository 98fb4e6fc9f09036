from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IllegalBuildingConfig(AppConfig):
    name = "illegal_building"
    verbose_name = _("Illegal-construction cases")
