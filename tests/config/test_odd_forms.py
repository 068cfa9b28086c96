"""No page answers 500 to what its own forms and links can be made to send. Unlike
test_odd_parameters.py, which lists the parameters each page reads, the names here are read from
the pages themselves — every field of every GET form and every parameter of every link on every
URL, and every field of every POST form — so a filter, widget or form added later is covered
without editing this file. Each name gets odd values alone; a POST keeps the form's other fields as
the page filled them."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from dispatch.models import Problem
from dispatch.views import NO_VERSION
from projects.models import ReportStatus

from .test_odd_parameters import client_for, every_url

GET_VALUES = ["²", "", "a\x00b", "9" * 400, "-1", "1e3"]
POST_VALUES = ["²", "", "a\x00b", "1e3"]


class _Page(HTMLParser):
    """The names a page's GET forms and links send, and its POST forms with their filled values."""

    def __init__(self):
        super().__init__()
        self.get_names, self.post_forms = set(), []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "a" and "?" in (a.get("href") or ""):
            self.get_names.update(k for k, _v in parse_qsl(urlsplit(a["href"]).query, keep_blank_values=True))
        elif tag == "form":
            post = (a.get("method") or "get").lower() == "post"
            self._form = {"action": a.get("action") or "", "fields": {}} if post else "get"
            if post:
                self.post_forms.append(self._form)
        elif self._form is None or not name or tag not in ("input", "select", "textarea"):
            return
        elif self._form == "get":
            self.get_names.add(name)
        else:
            fields = self._form["fields"]
            if tag == "select":
                self._select = name
                fields.setdefault(name, "")
            elif tag == "textarea":
                self._textarea = name
                fields[name] = ""
            elif a.get("type") in ("checkbox", "radio") and "checked" not in a:
                fields.setdefault(name, None)  # sent only when ticked
            else:
                fields[name] = a.get("value") or ""
        if tag == "option" and self._select and "selected" in a and isinstance(self._form, dict):
            self._form["fields"][self._select] = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _pages(client, world):
    for url in every_url(world):
        if "delete" in url or "logout" in url:
            continue
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            page = _Page()
            page.feed(response.content.decode())
            yield url, page


@pytest.mark.parametrize("role", ["admin_user", "office_a", "leader"])
def test_every_get_form_field_and_link_parameter_with_odd_values(request, world, role):
    client = client_for(request.getfixturevalue(role))
    failures, tried = [], 0
    for url, page in _pages(client, world):
        for name in sorted(page.get_names - {"csrfmiddlewaretoken"}):
            for value in GET_VALUES:
                tried += 1
                status = client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append((url, name, value, status))
    assert tried > 300  # the pages were read: forms and links were found
    assert failures == []


@pytest.mark.parametrize("role", ["admin_user", "office_a"])
def test_every_post_form_field_with_odd_values(request, world, role):
    client = client_for(request.getfixturevalue(role))
    failures, tried = [], 0
    for url, page in _pages(client, world):
        for form in page.post_forms:
            action = form["action"] if form["action"].startswith("/") else url
            if "logout" in action or "delete" in action:
                continue
            filled = {k: v for k, v in form["fields"].items() if v is not None}
            for name in form["fields"]:
                if name == "csrfmiddlewaretoken":
                    continue
                for value in POST_VALUES:
                    tried += 1
                    status = client.post(action, {**filled, name: value}).status_code
                    if status >= 500:
                        failures.append((url, action, name, value, status))
    assert tried > 300
    assert failures == []


def test_a_relation_sent_as_no_id_is_the_fields_error(world, admin_user):
    """The admin's typed-search relations (autocomplete) show a value sent by hand back as the
    field's error, not a server error looking it up."""
    client = client_for(admin_user)
    for value in ("²", "1e3", "-1", "9" * 30):
        response = client.post(reverse("admin:projects_project_add"), {"owner_unit": value, "name": "x"})
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "owner_unit" in errors, value


def test_an_empty_to_field_is_a_bad_request_on_every_admin_page(world, admin_user):
    client = client_for(admin_user)
    project = world["project"]
    for url in (
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_project_delete", args=[project.pk]),
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_user_change", args=[admin_user.pk]),
    ):
        assert client.get(url, {"_to_field": ""}).status_code == 400, url
        assert client.get(url, {"_to_field": "id"}).status_code == 200, url
    delete = reverse("admin:projects_project_delete", args=[project.pk])
    assert client.post(delete, {"_to_field": "", "post": "yes"}).status_code == 400
    project.refresh_from_db()  # still there


def test_a_nul_in_any_request_parameter_is_a_400_naming_it(world, admin_user):
    client = client_for(admin_user)
    for method, url, name in (
        ("get", reverse("portfolio:projects"), "q"),
        ("get", reverse("admin:projects_progressreport_changelist"), "status__exact"),
        ("get", reverse("dispatch:problem_new"), "q"),
        ("post", reverse("schedules:import"), "token"),  # read by the view itself, not by a form
        ("post", reverse("admin:projects_project_add"), "owner_unit"),
    ):
        response = getattr(client, method)(url, {name: "a\x00b"})
        assert response.status_code == 400, (url, name)
        assert f"“{name}”" in response.content.decode() and "NUL" in response.content.decode()


def test_a_step_on_a_problem_with_an_unreadable_version_does_nothing(world, reviewer):
    problem = world["problem"]
    client = client_for(reviewer)
    before = Problem.objects.get(pk=problem.pk)
    url = reverse("dispatch:problem_step", args=[problem.pk, "assign"])
    unit = world["project"].responsible_unit
    response = client.post(url, {"version": "²", "unit": unit.name, "deadline": "2022-12-31"})
    assert response.status_code == 400 and "version" in response.content.decode()
    after = Problem.objects.get(pk=problem.pk)
    assert (after.version, after.state) == (before.version, before.state)
    report = world["submitted"]
    response = client.post(reverse("dispatch:review_step", args=[report.pk]), {"version": "²", "_approve": "1"})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_step_without_the_version_its_page_showed_does_nothing(world, reviewer):
    """As the admin's workflow buttons: acting on whatever is current would skip the check that
    nobody changed the row meanwhile."""
    problem, report = world["problem"], world["submitted"]
    client = client_for(reviewer)
    unit = world["project"].responsible_unit
    url = reverse("dispatch:problem_step", args=[problem.pk, "assign"])
    with translation.override(settings.LANGUAGE_CODE):
        refusal = escape(str(NO_VERSION))
    response = client.post(url, {"unit": unit.name, "deadline": "2099-12-31"})
    assert response.status_code == 400 and refusal in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).version == problem.version
    response = client.post(reverse("dispatch:review_step", args=[report.pk]), {"_approve": "1"}, follow=True)
    assert refusal in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
