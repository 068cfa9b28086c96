"""No URL answers 500 to an odd query parameter. Every URL is resolved from the URLconf (the admin
included) and requested as each role with odd values on all parameters at once; each page with each
parameter it reads alone, with the odd values — "²", an Arabic-Indic "٣", "-1", "99999",
empty, very long, "1e3", " 1" — on the parameters the pages read; and the workflow POST gets an odd
version. The parameters the pages parse themselves (projects.params) answer 400 with the reason."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.models import ReportStatus

ODD = [
    "²",
    "٣",
    "-1",
    "99999",
    "",
    "9" * 400,
    "1e3",
    " 1",
    "1.5",
    "0x1F",
    "２０２２",
    "2022\n",
    "a\x00b",
]
# Fewer values on the pass that tries every URL as every role, to keep the suite quick.
ODD_SHORT = ["²", "9" * 400]
# What each page reads: projects.params (year, month, page, ids) and what Django, django-tables2,
# django-filter and the admin read for lists (sort, p, o, filters).
READS = {
    "portfolio:overview": ["year"],
    "portfolio:projects": [
        "year",
        "page",
        "per_page",
        "sort",
        "category",
        "responsible_unit",
        "flag",
        "q",
        "_export",
    ],
    "portfolio_admin:rollup": ["year", "month"],
    "portfolio_admin:missing_reports": ["year", "month"],
    "schedules:export": ["year", "month"],
    "schedules:template": ["year"],
    "admin:projects_project_changelist": ["p", "o", "q", "e"],
    "admin:projects_projectyear_changelist": [
        "plan_year__id__exact",
        "month",
        "flag",
        "category__id__exact",
        "p",
        "o",
        "q",
        "e",
    ],
    "admin:projects_milestone_changelist": ["plan_year__id__exact", "month", "p", "o"],
    "admin:projects_progressreport_changelist": ["year", "month", "p", "o"],
}
PARAMETERS = sorted({parameter for names in READS.values() for parameter in names})
ROLES = ["admin_user", "reviewer", "leader", "finance", "office_a", None]


def _patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = p.namespace
            for name, route in _patterns(p.url_patterns, prefix + str(p.pattern)):
                yield (f"{namespace}:{name}" if namespace and name else name), route
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, prefix + str(p.pattern)


ADMIN_MODEL = re.compile(rf"^{re.escape(settings.ADMIN_URL)}(\w+)/(\w+)/")


def every_url(world) -> list[str]:
    """Each named URL with its arguments filled from `world`; only the admin's catch-all is left out."""
    urls = []
    for name, route in _patterns(get_resolver().url_patterns):
        match = ADMIN_MODEL.match(route)
        installed = {config.label for config in apps.get_app_configs()}
        model = None
        if match and "app_label" not in route and match.group(1) in installed:  # not /admin/tools/
            model = apps.get_model(match.group(1), match.group(2))
        obj = model.objects.order_by("pk").first() if model is not None else None
        if name.endswith("_simple_history"):
            record = obj.history.order_by("history_id").first()
            urls.append(reverse(name, args=[obj.pk, record.history_id]))
        elif "object_id" in route and "content_type_id" in route:
            urls.append(
                reverse(
                    name,
                    args=[
                        ContentType.objects.get_for_model(world["project"]).pk,
                        world["project"].pk,
                    ],
                )
            )
        elif "object_id" in route or "<id>" in route:
            if obj is not None:
                urls.append(reverse(name, args=[obj.pk]))
        elif "app_label" in route:
            urls.append(reverse(name, kwargs={"app_label": "projects"}))
        elif "<int:pk>/<slug:step>" in route:  # a step on a problem (dispatch)
            urls.append(reverse(name, args=[world["problem"].pk, "solve"]))
        elif "<int:pk>" in route:  # a problem, or a report in the review queue (dispatch)
            target = world["submitted"] if route.startswith("review/") else world["problem"]
            urls.append(reverse(name, args=[target.pk]))
        elif "<str:code>" in route:
            urls.append(reverse(name, args=[world["project"].code]))
        else:
            urls.append(reverse(name))
    return urls


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_each_page_each_parameter_it_reads_alone(world, admin_user):
    failures = []
    client = client_for(admin_user)
    for name, parameters in READS.items():
        for parameter in parameters:
            for value in ODD:
                response = client.get(reverse(name), {parameter: value})
                if response.status_code >= 500:
                    failures.append((name, parameter, value, response.status_code))
    assert failures == []


@pytest.mark.parametrize("role", ROLES)
def test_every_url_all_parameters_at_once_as_each_role(request, world, role):
    client = client_for(request.getfixturevalue(role) if role else None)
    failures = []
    urls = every_url(world)
    assert len(urls) > 60 and reverse("portfolio_admin:rollup") in urls
    for url in urls:
        for value in ODD_SHORT:
            response = client.get(url, dict.fromkeys(PARAMETERS, value))
            if response.status_code >= 500:
                failures.append((url, value, response.status_code))
    assert failures == []


@pytest.mark.parametrize("value", ODD)
def test_workflow_post_with_an_odd_version(world, reviewer, value):
    report = world["submitted"]
    url = reverse("admin:projects_progressreport_change", args=[report.pk])
    response = client_for(reviewer).post(url, {"_approve": "1", "_workflow_version": value})
    # The workflow refuses to act without the version the page showed (projects.admin.report:
    # a message and back to the report), so no odd value approves anything.
    assert response.status_code < 500
    report.refresh_from_db()
    if value != str(report.version):
        assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    ("url_name", "parameter"),
    [
        ("portfolio:overview", "year"),
        ("portfolio:projects", "year"),
        ("portfolio:projects", "page"),
        ("portfolio_admin:rollup", "month"),
        ("portfolio_admin:missing_reports", "year"),
        ("schedules:export", "month"),
        ("schedules:template", "year"),
        ("admin:projects_projectyear_changelist", "month"),
        ("admin:projects_milestone_changelist", "month"),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_which_and_why(world, admin_user, url_name, parameter):
    response = client_for(admin_user).get(reverse(url_name), {parameter: "²"})
    assert response.status_code == 400
    text = response.content.decode()
    assert parameter in text and "²" in text


def test_a_year_without_a_plan_is_a_404_and_a_good_one_works(world, admin_user):
    client = client_for(admin_user)
    assert client.get(reverse("portfolio:overview"), {"year": "2031"}).status_code == 404
    assert client.get(reverse("portfolio:overview"), {"year": "2022"}).status_code == 200
    assert client.get(reverse("portfolio_admin:rollup"), {"year": "2022", "month": "3"}).status_code == 200
