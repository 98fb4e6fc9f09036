"""A test-only Django app for Celery workers started by tests/sla/test_worker_kill.py.

Installed only through ``tests.sla.worker_settings`` (the worker's DJANGO_SETTINGS_MODULE),
so product code carries no test branch. While the file named by XIUHUA_TEST_HOLD_FILE
exists, the worker stops inside the sweep's transaction right after inserting its
XIUHUA_TEST_HOLD_AFTER-th red firing row (uncommitted), and announces that by writing
``<hold file>.held``. The test then SIGKILLs the worker there: a kill mid-firing.
"""
