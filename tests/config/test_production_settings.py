"""The production settings pass Django's deployment checks with no warning."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _environment(**values) -> dict:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **values}


def test_check_deploy_passes_under_production_settings(tmp_path):
    env = _environment(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k" * 10 + "-Yunyang-2022-production-secret-for-the-check-" + "9q8w7e6r5t",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "key", ["short", "django-insecure-" + "x1y2z3w4" * 8, "insecure-local-development-key-change-me"]
)
def test_production_refuses_to_start_on_a_weak_secret(tmp_path, key):
    env = _environment(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=key,
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is too weak for production" in result.stderr
