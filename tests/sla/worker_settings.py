"""Settings for Celery workers that tests start as subprocesses: the test settings plus a hook app."""

from approvals.settings.test import *  # noqa: F403
from approvals.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sla.workerhook.apps.WorkerHookConfig"]
