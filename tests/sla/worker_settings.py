"""Settings for Celery workers that tests start as subprocesses: the test settings plus a hook app.

The sweep fires in batches of two here, so a kill in the second batch leaves one batch committed.
"""

from approvals.settings.test import *  # noqa: F403
from approvals.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sla.workerhook.apps.WorkerHookConfig"]
XIUHUA_SLA_SWEEP_BATCH = 2
