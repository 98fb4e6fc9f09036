"""viewflow's If and Switch gates without a savepoint of their own inside a step.

viewflow evaluates a gate's condition inside ``exception_guard()`` and ``transaction.atomic(
savepoint=True)``: when the activation context keeps errors (``propagate_exception=False``: jobs,
timers, viewflow's own event handlers) a failing condition marks the gate ERROR and the savepoint
undoes what the condition wrote. Inside a step (``workflows.flowviews.task_execution``, the
default ``propagate_exception=True``) a failing condition propagates and the step's transaction
rolls back as a whole, so the savepoint only cost a SAVEPOINT and a RELEASE per gate. These
gates evaluate the condition directly in that case and keep viewflow's behaviour otherwise.
"""

from __future__ import annotations

from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.if_gate import IfActivation as ViewflowIfActivation
from viewflow.workflow.nodes.switch import SwitchActivation as ViewflowSwitchActivation


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

