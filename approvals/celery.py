import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvals.settings.local")

app = Celery("approvals")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
