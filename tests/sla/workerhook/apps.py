from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.apps import AppConfig

_seen = {"red": 0}


def hold_mid_firing(sender: type, level: str, clock_ids: list[int], **kwargs: Any) -> None:
    hold = os.environ.get("XIUHUA_TEST_HOLD_FILE")
    if not hold or level != "red":
        return
    _seen["red"] += 1
    if _seen["red"] < int(os.environ.get("XIUHUA_TEST_HOLD_AFTER", "1")):
        return
    gate = Path(hold)
    if not gate.exists():
        return
    Path(f"{hold}.held").write_text(f"{os.getpid()} {clock_ids}\n")
    while gate.exists():  # the test kills this process here
        time.sleep(0.05)


class WorkerHookConfig(AppConfig):
    name = "tests.sla.workerhook"
    label = "sla_test_workerhook"

    def ready(self) -> None:
        from workflows.sla.firing import clocks_fired

        clocks_fired.connect(hold_mid_firing, dispatch_uid="sla-test-hold-mid-firing")
