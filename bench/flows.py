"""The peer: a bare viewflow flow with the permit flow's nodes and nothing of the engine.

No step clocks, audit, documents, guardian visibility, notifications or forms: each human
step is viewflow's own assign/start/execute under the same select_for_update lock, with the
route conditions reading the process's JSON data. Installed through ``bench.settings`` only.
"""

from __future__ import annotations

from typing import Any

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView


def _data(key: str, value: Any = True) -> Any:
    return lambda activation: activation.process.data.get(key) == value


def _view() -> Any:
    return flow.View(UpdateProcessView.as_view(fields=[]))


class PeerPermitFlow(flow.Flow):
    """Bare permit flow (bench peer)"""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.accept)
    accept = _view().Next(this.route_acceptance)
    route_acceptance = (
        flow.Switch()
        .Case(this.review, _data("acceptance", "accept"))
        .Case(this.supplement, _data("acceptance", "supplement"))
        .Default(this.not_accepted)
    )
    supplement = flow.Handle().Next(this.route_supplement)
    route_supplement = flow.If(_data("supplement_answered")).Then(this.accept).Else(this.withdrawn)
    review = _view().Next(this.countersign)
    countersign = _view().Next(this.route_countersign)
    route_countersign = flow.If(_data("countersigned")).Then(this.route_survey).Else(this.review)
    route_survey = flow.If(_data("survey")).Then(this.survey).Else(this.route_hearing)
    survey = _view().Next(this.route_hearing)
    route_hearing = flow.If(_data("hearing")).Then(this.schedule_hearing).Else(this.decide)
    schedule_hearing = _view().Next(this.route_hearing_scheduled)
    route_hearing_scheduled = flow.If(_data("hearing_scheduled")).Then(this.hearing).Else(this.decide)
    hearing = _view().Next(this.decide)
    decide = _view().Next(this.route_decision)
    route_decision = flow.If(_data("granted")).Then(this.deliver).Else(this.refused)
    deliver = _view().Next(this.granted)

    granted = flow.End()
    refused = flow.End()
    not_accepted = flow.End()
    withdrawn = flow.End()

    def start_process(self, activation: Any, **data: Any) -> Any:
        activation.process.data = dict(data)
        return activation.process
