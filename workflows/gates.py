"""viewflow's If and Switch gates and End node without a savepoint of their own inside a step.

viewflow evaluates a gate's condition inside ``exception_guard()`` and ``transaction.atomic(
savepoint=True)``: when the activation context keeps errors (``propagate_exception=False``: jobs,
timers, viewflow's own event handlers) a failing condition marks the gate ERROR and the savepoint
undoes what the condition wrote. Inside a step (``workflows.flowviews.task_execution``, the
default ``propagate_exception=True``) a failing condition propagates and the step's transaction
rolls back as a whole, so the savepoint only cost a SAVEPOINT and a RELEASE per gate. These
gates evaluate the condition directly in that case and keep viewflow's behaviour otherwise; the
End node (which finishes the process when no other task is open) likewise.
"""

from __future__ import annotations

from django.utils.timezone import now
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.end import EndActivation as ViewflowEndActivation
from viewflow.workflow.nodes.if_gate import IfActivation as ViewflowIfActivation
from viewflow.workflow.nodes.switch import SwitchActivation as ViewflowSwitchActivation
from viewflow.workflow.signals import flow_finished, task_finished, task_started
from viewflow.workflow.status import STATUS


class IfActivation(ViewflowIfActivation):
    @Activation.status.super()
    def activate(self) -> None:
        if not context.propagate_exception:
            super().activate.original()  # type: ignore[attr-defined]
            return
        self._condition_result = self.flow_task._condition(self)


class SwitchActivation(ViewflowSwitchActivation):
    @Activation.status.super()
    def activate(self) -> None:
        if not context.propagate_exception:
            super().activate.original()  # type: ignore[attr-defined]
            return
        # viewflow's rule: the first case whose condition holds, else the (last) default.
        default = next((node for node, cond in reversed(self.flow_task._branches) if not cond), None)
        chosen = next((node for node, cond in self.flow_task._branches if cond and cond(self)), default)
        if chosen is None:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")
        self.next_task = chosen


class If(flow.If):
    activation_class = IfActivation


class Switch(flow.Switch):
    activation_class = SwitchActivation



class EndActivation(ViewflowEndActivation):
    @Activation.status.super()
    def activate(self) -> None:
        if not context.propagate_exception:
            super().activate.original()  # type: ignore[attr-defined]
            return
        # viewflow's End: the process is done when no other task of it is still open.
        self.task.started = now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        others_open = (
            self.flow_class.task_class._default_manager.filter(process=self.process, finished__isnull=True)
            .exclude(pk=self.task.pk)
            .exists()
        )
        if not others_open:
            self.process.status = STATUS.DONE
            self.process.finished = now()
            self.process.save()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
        if not others_open:
            flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class End(flow.End):
    activation_class = EndActivation
