from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    """The Administrative Licensing Law (行政许可法) once, for every permit type.

    A permit app declares a ``LicenceSpec`` (licensing.spec) and concrete models built on the
    abstract ones here; the services in ``licensing.services`` run acceptance, supplement,
    review, hearing, extension, decision, delivery, withdrawal, rating, renewal, change,
    cancellation and the reminders for it. This app imports no permit app.
    """

    name = "licensing"
    verbose_name = _("Administrative licensing")

    def ready(self) -> None:
        from workflows.documents.corrections import register_quote_finder
        from workflows.events import register_event
        from workflows.tasks import register_sweeper

        from . import clocks, corrections, labels  # noqa: F401  (clocks registers the supplement rule)
        from .services import acceptance, registry

        labels.register()
        # A moved deadline that a served acceptance or extension notice stated gets a correction notice.
        register_quote_finder("licensing", corrections.application_quotes)
        register_event("application.acceptance.accept", "application.accepted")
        register_event("application.decision.grant", "application.decided")
        register_event("application.decision.refuse", "application.decided")

        # One sweeper per rule, over every registered permit type.
        register_sweeper(acceptance.supplements_expire_due)
        register_sweeper(registry.renewals_deem_granted)
        register_sweeper(registry.expiry_reminders_send)
