"""Two application servers on one PostgreSQL database behave as one site: a preview made on one
is applied on the other, a second apply is refused whichever server gets it, and a session signed
in on one is good on the other.

The servers are real: `gunicorn -c config/gunicorn.py config.wsgi`, one worker each, on two ports,
under the production settings (config.settings.production: DEBUG off, static files from
collectstatic, PBKDF2 passwords, django-axes on, secure cookies) pointed through DATABASE_URL at
this test's PostgreSQL database. Only what a deployment sets differently is different: a generated
secret shared by both, static files collected into a temporary folder, and each request carries
`X-Forwarded-Proto: https` as the reverse proxy in front would add it (the secure cookies are
therefore sent by hand: there is no TLS between this test and gunicorn)."""

import http.client
import io
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from html import unescape
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.utils import get_random_secret_key
from django.db import connection
from django.test import override_settings
from django.urls import reverse_lazy
from django.utils import translation
from openpyxl import Workbook

from portfolio.excel.previews import PreviewMsg
from projects.models import ProgressReport

pytestmark = pytest.mark.postgres

PASSWORD = "two-servers-Pw-2022"
IMPORT = reverse_lazy("schedules:import")  # the servers run with the same DJANGO_ADMIN_URL
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _production_environment(static_root) -> dict:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": get_random_secret_key(),
        "DATABASE_URL": _database_url(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "WEB_CONCURRENCY": "1",
    }


class Server:
    """One gunicorn process in its own process group, so teardown ends it and its worker."""

    def __init__(self, environment: dict, log_path):
        self.port = _free_port()
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=settings.BASE_DIR,
            env={**environment, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_healthy(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"gunicorn on {self.port} exited: {pathlib.Path(self.log.name).read_text()[-3000:]}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"gunicorn on {self.port} not healthy in {STARTUP_SECONDS} s")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two servers need one database both can reach: set DATABASE_URL to PostgreSQL")
    environment = _production_environment(tmp_path / "static")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(Server(environment, tmp_path / f"gunicorn-{name}.log"))
        for server in servers:
            server.wait_until_healthy()
        yield servers
    finally:
        for server in servers:
            server.stop()


class Visitor:
    """A browser's cookies carried from one server to the other, as behind a load balancer."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server: Server, method: str, path, body: bytes = b"", content_type: str = ""):
        path = str(path)
        origin = f"https://127.0.0.1:{server.port}"
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{server.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.update({"Origin": origin, "Referer": origin + path, "Content-Type": content_type})
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, text

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, fields: dict, files: dict | None = None):
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in (files or {}).items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
            )
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request(server, "POST", path, body.getvalue(), f"multipart/form-data; boundary={boundary}")


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} in the page"
    return unescape(match.group(1))


def _sign_in(visitor: Visitor, server: Server, username: str):
    _, _, page = visitor.get(server, "/accounts/login/")
    status, headers, _ = visitor.post(
        server,
        "/accounts/login/",
        {"csrfmiddlewaretoken": _field(page, "csrfmiddlewaretoken"), "username": username, "password": PASSWORD},
    )
    assert status == 302, "sign-in refused"


def _monthly_workbook(code: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"])
    ws.append([code, "2022-03", 10, 20])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def office_with_password(office_a):
    # The production settings hash with PBKDF2; the test settings' MD5 hash would not be understood.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        office_a.password = make_password(PASSWORD)
    office_a.save(update_fields=["password"])
    return office_a


def test_a_preview_made_on_one_server_is_applied_on_the_other_once(two_servers, office_with_password, project_a):
    a, b = two_servers
    visitor = Visitor()
    _sign_in(visitor, a, office_with_password.username)

    _, _, upload_page = visitor.get(a, IMPORT)
    status, _, preview = visitor.post(
        a,
        IMPORT,
        {"csrfmiddlewaretoken": _field(upload_page, "csrfmiddlewaretoken")},
        files={"file": ("2022年3月.xlsx", _monthly_workbook(project_a.code))},
    )
    assert status == 200 and project_a.code in preview
    token, csrf = _field(preview, "token"), _field(preview, "csrfmiddlewaretoken")
    assert ProgressReport.objects.count() == 0  # the preview wrote nothing

    status, headers, _ = visitor.post(b, IMPORT, {"csrfmiddlewaretoken": csrf, "token": token})
    assert status == 302, "server B could not apply server A's preview"
    report = ProgressReport.objects.get()
    assert (report.project_year.project_id, report.month) == (project_a.pk, 3)

    status, headers, _ = visitor.post(a, IMPORT, {"csrfmiddlewaretoken": csrf, "token": token})
    assert status == 302
    _, _, page = visitor.get(a, headers["Location"])
    with translation.override("zh-hans"):
        assert str(PreviewMsg.ALREADY_APPLIED) in unescape(page)
    assert ProgressReport.objects.count() == 1


def test_a_session_signed_in_on_one_server_works_on_the_other(two_servers, office_with_password, plan_year):
    a, b = two_servers
    visitor = Visitor()
    assert visitor.get(b, "/")[0] == 302  # not signed in yet
    _sign_in(visitor, a, office_with_password.username)
    status, _, page = visitor.get(b, "/")
    assert status == 200
    assert (office_with_password.get_full_name() or office_with_password.username) in unescape(page)
