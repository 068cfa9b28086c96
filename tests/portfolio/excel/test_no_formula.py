"""No text a user typed becomes a live formula in any exported sheet: names, units, milestones,
narratives, the plan's title and the template's option lists starting with =, +, -, @ (or a URL)
are written as text. Checked in the files' XML itself (no <f> element anywhere) and as read back."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from portfolio.excel.writing import write_schedule, write_template
from projects import progress
from projects.models import Category, ProgressReport, ReportStatus
from projects.roles import Role
from tests import factories

HOSTILE = [
    '=HYPERLINK("http://evil.example","点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "=1+1",
    "http://evil.example/x",
]


def assert_no_formula(data: bytes) -> list[str]:
    """Every text in the workbook, after checking that no sheet carries a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                assert not re.search(r"<f[ >]", xml), name
                assert "<hyperlink" not in xml, name
    book = load_workbook(io.BytesIO(data))
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


@pytest.fixture
def hostile_world(plan_year, categories, unit_a, office_a):
    plan_year.title = HOSTILE[4]
    plan_year.save()
    category = categories[0]
    Category.objects.filter(pk=category.pk).update(name=HOSTILE[3])
    unit_a.name = HOSTILE[2]
    unit_a.save()
    projects = []
    for i, text in enumerate(HOSTILE):
        project = factories.ProjectFactory(
            plan_year=plan_year,
            category=categories[i % 2],
            responsible_unit=unit_a,
            code=f"YY2022-INJ-{i:03d}",
            name=text,
            scope=text,
            location=text[:20],
            annual_target=text,
            remarks=text,
        )
        # 挂钩领导: the linked account's name is written too
        project.leaders.add(factories.UserFactory(username=f"hostile-{i}", last_name=text[:150], role=Role.LEADER))
        row = factories.row_of(project)
        factories.MilestoneFactory(project_year=row, title=text, due_date=datetime.date(2022, 6, 30))
        ProgressReport.objects.create(
            project_year=row,
            year=2022,
            month=3,
            investment_completed=Decimal("10"),
            physical_percent=Decimal("5"),
            physical_narrative=text,
            problems=text,
            next_month_plan=text,
            status=ReportStatus.APPROVED,
        )
        projects.append(project)
    progress.rebuild()  # written raw, past the services: rebuild the progress summary, as `rebuild_progress` would.
    return projects


def test_the_schedule_writes_every_text_as_text(hostile_world, plan_year):
    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year, month=3, dispatch_month=3)
    texts = assert_no_formula(buffer.getvalue())
    for text in HOSTILE:
        assert text in texts  # kept, exactly, as text
    assert any(t.startswith(HOSTILE[4]) for t in texts)  # the plan's title, in a merged title cell
    assert any(HOSTILE[3] in t for t in texts)  # the category, in its subtotal line and the rollup sheet


def test_the_template_writes_option_lists_as_text(hostile_world, plan_year):
    buffer = io.BytesIO()
    write_template(buffer, plan_year=plan_year)
    texts = assert_no_formula(buffer.getvalue())
    assert HOSTILE[3] in texts and HOSTILE[2] in texts


def test_the_project_list_export_writes_every_text_as_text(hostile_world, admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("portfolio:projects"), {"_export": "xlsx"})
    assert response.status_code == 200
    texts = assert_no_formula(response.content)
    assert HOSTILE[0] in texts and HOSTILE[1] in texts
