"""`make run`'s embedded default: SQLite, Celery over a SQLite broker, worker and beat beside the server."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_script_serves_chinese_login_with_worker_and_beat_on_sqlite(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "approvals.settings.local",
            "XIUHUA_VAR_DIR": str(tmp_path),
            "PORT": str(port),
            "XIUHUA_SWEEP_SECONDS": "1",
        }
    )
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        ["scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        html = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "登录" not in html:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:  # noqa: S310
                    html = response.read().decode()
            except OSError:
                time.sleep(0.5)
        assert "登录" in html, (tmp_path / "run.log").read_text()

        def sweeps() -> int:
            with sqlite3.connect(tmp_path / "xiuhua.sqlite3", timeout=30) as db:
                row = db.execute("SELECT count FROM workflows_serviceheartbeat WHERE name='sweep'").fetchone()
            return row[0] if row else 0

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and sweeps() < 2:
            time.sleep(0.5)
        assert sweeps() >= 2, (tmp_path / "celery-worker.log").read_text()[-3000:]
        run_log = (tmp_path / "run.log").read_text()
        assert "applicant, applicant2" in run_log
        # A quiet start: mail goes to files, WeasyPrint reports no INFO steps, the banner names the pages.
        assert "Content-Type: text/plain" not in run_log
        assert "weasyprint" not in run_log.lower()
        assert f"http://127.0.0.1:{port}/public/ads/materials/" in run_log
        assert list((tmp_path / "mail").iterdir()), "the demo's e-mails were not written to var/mail"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    # A PDF renderer leaves when its parent's pipe closes, a moment after the worker: allow that moment.
    leftovers: list[str] = []
    for _ in range(40):
        leftovers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
        if not leftovers:
            break
        time.sleep(0.25)
    assert leftovers == [], "Ctrl-C left processes running"
