"""Step clocks declared on a flow in one line per step.

    class PermitFlow(SlaFlowMixin, flow.Flow):
        step_limits = {"accept": StepLimit(working_days=5, escalate_to="chief")}

A clock starts when a task of that node is created and stops when the task is finished,
cancelled or fails; its holder follows the task's owner. Red escalates to ``escalate_to``
in the process's county.

What the escalation lets that role do is the step's ``on_red`` policy:

- ``"take_over"`` (default): the escalation-role holders of the county see the item in
  their escalation list and may take the task over (``services.escalation_take_over``).
  The task is then assigned to the one who took it, so it sits in their viewflow inbox and
  viewflow's own ``can_execute`` (the owner) lets them act on it with the step's usual view.
  We reassign rather than widen the node's ``owner_permission`` because viewflow's queue
  only lists unassigned tasks and its permission is per node, not per overdue task: a
  reassignment is one audited act by a named person, which is what 改派 is in law.
- ``"list"``: the escalation is listed and notified only; the holder keeps the task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from viewflow.workflow.models import AbstractTask
from viewflow.workflow.status import STATUS

from .rules import ClockRuleSpec, register_rule

OPEN_STATUSES = {STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED}
CLOSED_STATUSES = {STATUS.DONE, STATUS.CANCELED, STATUS.ERROR}
ON_RED_TAKE_OVER = "take_over"
ON_RED_LIST = "list"


@dataclass(frozen=True)
class StepLimit:
    working_days: int | None = None
    calendar_days: int | None = None
    escalate_to: str = "chief"
    yellow_days_left: int = 2
    yellow_percent: int = 80
    on_red: str = ON_RED_TAKE_OVER

    def __post_init__(self) -> None:
        if (self.working_days is None) == (self.calendar_days is None):
            raise ValueError("StepLimit needs exactly one of working_days or calendar_days")
        if self.on_red not in (ON_RED_TAKE_OVER, ON_RED_LIST):
            raise ValueError(f"StepLimit.on_red must be {ON_RED_TAKE_OVER!r} or {ON_RED_LIST!r}")


def step_limit_of(task: Any) -> StepLimit | None:
    """The StepLimit declared for a task's node, if its flow declares one."""
    if task is None:
        return None
    flow_task = task.flow_task
    flow_class = getattr(flow_task, "flow_class", None)
    if flow_class is None or not issubclass(flow_class, SlaFlowMixin):
        return None
    return flow_class.step_limits.get(flow_task.name)


def step_rule_code(flow_class: type, node_name: str) -> str:
    return f"{flow_class.__module__.split('.')[0]}.{flow_class.__name__}.{node_name}"


class SlaFlowMixin:
    step_limits: ClassVar[dict[str, StepLimit]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        nodes = getattr(cls, "_nodes_by_name", {})
        for node_name, limit in cls.step_limits.items():
            if nodes and node_name not in nodes:
                raise ValueError(f"{cls.__name__}.step_limits names unknown node {node_name!r}")
            node = nodes.get(node_name)
            title = getattr(node, "task_title", "") or node_name
            register_rule(
                ClockRuleSpec(
                    code=step_rule_code(cls, node_name),
                    title=title,
                    unit="working" if limit.working_days is not None else "calendar",
                    limit=limit.working_days if limit.working_days is not None else limit.calendar_days,
                    escalate_to=limit.escalate_to,
                    yellow_days_left=limit.yellow_days_left,
                    yellow_percent=limit.yellow_percent,
                    process_code=cls.__module__.split(".")[0],
                    step_code=node_name,
                )
            )

    # Hooks a flow may override: what a step clock is about and which county it belongs to.
    def sla_subject(self, process: Any) -> Any:
        artifact = getattr(process, "artifact", None)
        return artifact if artifact is not None else process

    def sla_county(self, process: Any) -> Any:
        for candidate in (process, getattr(process, "artifact", None)):
            county = getattr(candidate, "county", None)
            if county is not None:
                return county
        county_id = (getattr(process, "data", None) or {}).get("county_id")
        if county_id:
            from workflows.models import County

            return County.objects.filter(pk=county_id).first()
        return None


def on_task_saved(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Keep the step clock of a task in step with the task's status and owner."""
    if raw or not isinstance(instance, AbstractTask):
        return
    flow_task = instance.flow_task
    flow_class = getattr(flow_task, "flow_class", None)
    if flow_class is None or not issubclass(flow_class, SlaFlowMixin):
        return
    if flow_task.name not in flow_class.step_limits:
        return
    from .models import Clock
    from .services import clock_start, clock_stop_task

    # Set-based: no read of the clock first. A new task has no clock yet; an open task's save
    # moves its clock's assignee in one UPDATE (no row: a clock is started, as for a new task);
    # a closed task's clock is stopped under its row lock.
    if instance.status in OPEN_STATUSES:
        if not created and (
            Clock.objects.filter(task_id=instance.pk, stopped_at__isnull=True).update(assignee_id=instance.owner_id)
        ):
            return
        process = instance.process.coerced if hasattr(instance.process, "coerced") else instance.process
        flow = flow_class.instance
        clock_start(
            subject=flow.sla_subject(process),
            rule=step_rule_code(flow_class, flow_task.name),
            county=flow.sla_county(process),
            assignee=instance.owner,
            task=instance,
        )
    elif instance.status in CLOSED_STATUSES:
        clock_stop_task(task_id=instance.pk, assignee_id=instance.owner_id)
