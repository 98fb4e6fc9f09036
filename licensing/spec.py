"""A licence type declared as data: what the kernel needs to run the law for one permit app.

A permit app builds one ``LicenceSpec`` and registers it in ``AppConfig.ready``. The kernel's
services (licensing.services) look the spec up from any of the app's objects; they never
import the app. Everything the law leaves to the type — its fields, checklist, review steps,
survey rule, maximum validity, document kinds and texts, number prefix — comes from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class DocumentKinds:
    """The document kind codes (workflows.documents.registry) this type issues at each act."""

    acceptance: str
    supplement: str
    refuse_acceptance: str
    hearing_notice: str
    extension: str
    grant: str
    permit: str
    refusal: str
    # The written notice of an ALL art. 45 special procedure (特别程序告知书).
    pause_notice: str = ""


@dataclass(frozen=True)
class NeighbourTexts:
    """SMS texts to a 利害关系人 (not a user of the system); official text, so Chinese.

    Placeholders: {sign} {address} {number}, plus {until} / {deadline} / {date} {place}.
    """

    statement: str
    hearing_right: str
    hearing_date: str


def _messages() -> Any:
    from .services import messages

    return messages


def _never(application: Any) -> bool:
    return False


def _no_data(application: Any, permit: Any = None) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class LicenceSpec:
    app_label: str
    title: str | Promise
    # Web pages of the type: /<url_prefix>/applications/<pk>/, /<url_prefix>/permits/<pk>/.
    url_prefix: str
    # Application numbers: <number_prefix><year><county code><6 digits>, a counter per county and year.
    number_prefix: str
    number_series: str
    flow_path: str
    overall_rule: str
    acceptance_working_days: int
    documents: DocumentKinds
    neighbour_texts: NeighbourTexts
    # Where a document's address line and subject come from (the type's own fields).
    base_data: Callable[[Any], dict[str, Any]]
    # Printed on the permit certificate (and restated after a change or renewal).
    permit_data: Callable[..., dict[str, Any]] = _no_data
    # Extra data of the grant decision (准予行政许可决定书).
    grant_data: Callable[[Any], dict[str, Any]] = _no_data
    # Application fields copied to the permit at the grant; a change may alter these.
    permit_fields: tuple[str, ...] = ()
    # Longest validity a permit of this application may have, in days.
    max_validity_days: Callable[[Any], int] = field(default=lambda application: 3 * 365)
    survey_required: Callable[[Any], bool] = _never
    hearing_by_law: Callable[[Any], bool] = _never
    # {checklist item code: title} for an application (its checklist is the type's data).
    requirement_titles: Callable[[Any], dict[str, str]] = field(default=lambda application: {})
    # The reason printed on the hearing notice when the reviewer flagged the matter.
    hearing_flagged_text: str = "该事项直接关系他人重大利益或涉及公共利益"
    # The review steps of the flow, in order ("review", then "countersign" where there is one).
    review_steps: tuple[str, ...] = ("review", "countersign")
    # Dotted path of a module with the type's neighbour hearing records (ALL art. 47-48), or "":
    # neighbour_rights_open, first_request_on, require_no_neighbour_hearing, notices_issue.
    hearing_records: str = ""
    # The viewflow process model (a subclass of viewflow's Process: its name must differ between apps).
    process_model_name: str = "PermitProcess"
    # Texts naming what the type permits (a facility, a disposal...): the kernel's defaults are generic.
    renewal_until_invalid_text: str | Promise = field(default_factory=lambda: _messages().RENEWAL_UNTIL_INVALID)
    expiry_text: str | Promise = field(default_factory=lambda: _messages().TOLD_EXPIRY)
    extra: dict[str, Any] = field(default_factory=dict)

    def model(self, name: str) -> Any:
        return apps.get_model(self.app_label, name)

    @property
    def application_model(self) -> Any:
        return self.model("PermitApplication")

    @property
    def process_model(self) -> Any:
        return self.model(self.process_model_name)

    @property
    def flow(self) -> Any:
        from django.utils.module_loading import import_string

        return import_string(self.flow_path)

    @property
    def hearing_hooks(self) -> Any:
        from importlib import import_module

        return import_module(self.hearing_records) if self.hearing_records else None

    def page_names(self) -> dict[str, str]:
        """What the kernel's templates need to link the type's pages and show its own facts."""
        return {
            "ns": self.url_prefix,
            "facts_template": f"{self.app_label}/includes/application_facts.html",
            "permit_facts_template": f"{self.app_label}/includes/permit_facts.html",
        }

    def perm(self, codename: str) -> str:
        return f"{self.app_label}.{codename}"

    def application_url(self, application: Any) -> str:
        return f"/{self.url_prefix}/applications/{application.pk}/"

    def permit_url(self, permit: Any) -> str:
        return f"/{self.url_prefix}/permits/{permit.pk}/"


SPECS: dict[str, LicenceSpec] = {}


def register(spec: LicenceSpec) -> LicenceSpec:
    SPECS[spec.app_label] = spec
    return spec


def spec_for(obj: Any) -> LicenceSpec:
    """The spec of the app a model, instance or app label belongs to."""
    label = obj if isinstance(obj, str) else obj._meta.app_label
    return SPECS[label]


def all_specs() -> list[LicenceSpec]:
    return list(SPECS.values())


def spec_of_task(task: Any) -> LicenceSpec:
    """The spec of a viewflow task's flow, read from the task row (no query)."""
    return spec_for(task.flow_task.flow_class.process_class)
