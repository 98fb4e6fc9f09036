"""The applicant's and the bureau's off-graph actions on an ad permit, over the API (licensing.actions).

``/api/permits/<application id>/actions/<name>/`` runs the same form and service as the
application and permit pages (outdoor_ads.views); the services check who may act.
"""

from __future__ import annotations

from licensing.actions import register_actions

from .forms import ChangeForm
from .licence import SPEC

# The facts of an ad permit its holder may ask to change (ALL art. 49).
CHANGE_FIELDS = ("content", "material", "lighting")


def register() -> None:
    register_actions("permits", spec=SPEC, change_form=ChangeForm, change_fields=CHANGE_FIELDS)
