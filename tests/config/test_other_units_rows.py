"""Nobody sees or changes what is not theirs, on any URL: every named URL (the admin's included,
as test_odd_parameters.every_url resolves them) is filled with the rows of unit B — its project,
milestone, reports, problem and their history — and requested by unit A's office. No page, no
download (an .xlsx is opened and its cells read) and no history page may show B's project or
problem, and a POST to any of those URLs changes none of B's rows."""

import io

import openpyxl
import pytest

from dispatch.models import Problem
from dispatch.services import problem_raise
from projects.models import Milestone, ProgressReport, Project, ReportStatus
from tests import factories
from tests.projects.admin_support import make_report

from .test_odd_parameters import client_for, every_url

B_TEXTS = ("大堰滩水库", "YY2022-REG-002", "B单位的征地问题")


@pytest.fixture
def rows_of_b(project_b, office_b, reviewer, project_a, office_a):
    """B's rows first, so that every_url (the first row of each model) builds its URLs from them."""
    factories.MilestoneFactory(project_year=factories.row_of(project_b))
    approved = make_report(project_b, office_b, month=2, status=ReportStatus.APPROVED, reviewer=reviewer)
    submitted = make_report(project_b, office_b, month=3, status=ReportStatus.SUBMITTED)
    problem = problem_raise(actor=office_b, project=project_b, report=submitted, type="land", description=B_TEXTS[2])
    return {"project": project_b, "report": approved, "submitted": submitted, "problem": problem}


def _text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:2] == b"PK":  # a workbook: what its cells say
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    return data.decode(errors="replace")


def _state_of_b(project_b):
    return (
        list(Project.objects.filter(pk=project_b.pk).values_list("name", "code", "responsible_unit")),
        list(Milestone.objects.filter(project_year__project=project_b).values_list("pk", "met_on", "due_date")),
        list(ProgressReport.objects.filter(project_year__project=project_b).values_list("pk", "status", "version")),
        list(Problem.objects.filter(project=project_b).values_list("pk", "state", "version", "unit")),
    )


def test_an_office_reads_nothing_of_another_unit_on_any_url(rows_of_b, office_a):
    client = client_for(office_a)
    urls = every_url(rows_of_b)
    assert any("/history/" in url for url in urls) and any(str(rows_of_b["problem"].pk) in url for url in urls)
    leaks = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            shown = [text for text in B_TEXTS if text in _text(response)]
            if shown:
                leaks.append((url, shown))
    assert leaks == []


def test_an_office_changes_nothing_of_another_unit_on_any_url(rows_of_b, office_a):
    client = client_for(office_a)
    before = _state_of_b(rows_of_b["project"])
    for url in every_url(rows_of_b):
        if "logout" in url:
            continue
        client.post(url, {"version": "1", "comment": "x", "resolution": "x", "post": "yes", "_approve": "1"})
    assert _state_of_b(rows_of_b["project"]) == before
