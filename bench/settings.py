"""Settings for `make bench`: the test settings plus the bench app (peer flow, bench commands).

The bench app is installed here only, never in the product's INSTALLED_APPS.
"""

import os

from approvals.settings.test import *  # noqa: F403
from approvals.settings.test import DATABASES, INSTALLED_APPS, LOGGING

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# A request or step slower than this is reported as timed out instead of stalling the run.
BENCH_STATEMENT_TIMEOUT_MS = int(os.environ.get("BENCH_STATEMENT_TIMEOUT_MS", "60000"))
DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={BENCH_STATEMENT_TIMEOUT_MS}"
# Thousands of SMS in the sweep bench would flood the terminal.
LOGGING["loggers"]["xiuhua.sms"]["level"] = "WARNING"  # type: ignore[index]
