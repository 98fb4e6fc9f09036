import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "approvals.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "XIUHUA_AUDIT_KEY": secrets.token_urlsafe(48),
        "XIUHUA_FIELD_KEY": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "xiuhua.example.invalid",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://xiuhua@127.0.0.1:5432/xiuhua"),
        "CELERY_BROKER_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "XIUHUA_PUBLIC_BASE_URL": "https://xiuhua.example.invalid",
    }
    env.update(overrides)
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_missing_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=production_env(DJANGO_SECRET_KEY=""), capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_sqlite():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=production_env(DATABASE_URL="sqlite:////tmp/x.sqlite3"), capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "Production runs on PostgreSQL" in result.stderr


def test_production_refuses_a_missing_or_reused_audit_key():
    missing = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=production_env(XIUHUA_AUDIT_KEY=""), capture_output=True, text=True,
    )
    assert missing.returncode != 0
    assert "XIUHUA_AUDIT_KEY must be set" in missing.stderr
    secret = secrets.token_urlsafe(64)
    reused = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=production_env(DJANGO_SECRET_KEY=secret, XIUHUA_AUDIT_KEY=secret), capture_output=True, text=True,
    )
    assert reused.returncode != 0
    assert "different from DJANGO_SECRET_KEY" in reused.stderr


def test_production_refuses_to_start_without_a_field_key():
    for bad in ("", "not-a-fernet-key"):
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT, env=production_env(XIUHUA_FIELD_KEY=bad), capture_output=True, text=True,
        )
        assert result.returncode != 0
        assert "XIUHUA_FIELD_KEY must be set to a Fernet key" in result.stderr


def _deploy_check(**overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(**overrides), capture_output=True, text=True,
    )


def test_deploy_check_fails_without_the_public_base_url():
    from workflows.documents.checks import PUBLIC_BASE_URL_MISSING

    result = _deploy_check(XIUHUA_PUBLIC_BASE_URL="")
    assert result.returncode != 0
    assert "documents.E001" in result.stderr and PUBLIC_BASE_URL_MISSING in result.stderr


def test_deploy_check_fails_with_a_public_base_url_citizens_cannot_reach():
    from workflows.documents.checks import PUBLIC_BASE_URL_INVALID, PUBLIC_BASE_URL_LOCAL

    local = _deploy_check(XIUHUA_PUBLIC_BASE_URL="http://127.0.0.1:8000")
    assert local.returncode != 0 and PUBLIC_BASE_URL_LOCAL in local.stderr
    relative = _deploy_check(XIUHUA_PUBLIC_BASE_URL="xiuhua.example.invalid/verify")
    assert relative.returncode != 0 and PUBLIC_BASE_URL_INVALID in relative.stderr
