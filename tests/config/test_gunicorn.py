"""The production server starts from the repository's own settings and serves the health endpoint
with the security headers on: what a load balancer sees first."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_health_under_production_settings(tmp_path):
    database = tmp_path / "prod.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "gunicorn-test-" + "x" * 60,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "GUNICORN_BIND": f"127.0.0.1:{_free_port()}",
            "WEB_CONCURRENCY": "1",
        }
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://{env['GUNICORN_BIND']}/healthz"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body, headers = json.loads(response.read()), response.headers
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert body == {"status": "ok", "database": "ok"}
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
