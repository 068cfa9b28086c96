"""The admin's upload page imports an adjusted schedule (中期调整) as a new plan version, as
import_schedule --plan-version does; its refusals are form errors and write nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from portfolio.models import ImportPreview
from projects.models import PlanVersion, PlanYearStatus
from projects.plan_versions import plan_adopt
from tests.factories import row_of


def adjusted_schedule(project_a, project_b, plan_a=900):
    wb = Workbook()
    wb.active.append(["项目代码", "项目名称", "年度计划投资", "年度建设目标"])
    wb.active.append([project_a.code, project_a.name, plan_a, "完成总工程量的50%"])
    wb.active.append([project_b.code, project_b.name, 1200, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "调整.xlsx"
    return buffer


@pytest.fixture
def adopted(plan_year, finance, project_a, project_b):
    plan_year.status = PlanYearStatus.DRAFT
    plan_year.save()
    return plan_adopt(actor=finance, plan_year=plan_year, date=datetime.date(2022, 1, 12))


def upload(client, project_a, project_b, **fields):
    data = {"file": adjusted_schedule(project_a, project_b), "as_adjustment": "on"}
    data.update(fields)
    return client.post(reverse("schedules:import"), data)


def test_an_adjusted_schedule_uploaded_becomes_a_version(client, finance, adopted, plan_year, project_a, project_b):
    client.force_login(finance)
    page = upload(client, project_a, project_b, version_name="中期调整", version_date="2022-07-15")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="adjustment"' in html and "中期调整" in html and "2022-07-15" in html
    assert plan_year.versions.count() == 1  # the preview writes nothing
    preview = ImportPreview.objects.get(token=page.context["token"])
    assert (preview.version_name, preview.version_date) == ("中期调整", datetime.date(2022, 7, 15))
    done = client.post(reverse("schedules:import"), {"token": page.context["token"]})
    assert done.status_code == 302
    version = plan_year.versions.get(name="中期调整")
    assert (version.kind, version.ordinal, version.date) == ("adjusted", 2, datetime.date(2022, 7, 15))
    row_a = row_of(project_a)
    assert (row_a.annual_plan, row_a.plan_version) == (Decimal("900.00"), version)
    assert adopted.figures.get(project_year=row_a).annual_plan == Decimal("1200.00")  # 年初计划 kept


@pytest.mark.parametrize(
    "setup, expected",
    [
        ("name_taken", "已有名为中期调整的版本"),
        ("draft", "当前为草稿"),
    ],
)
def test_refusals_are_form_errors_and_write_nothing(client, finance, plan_year, project_a, project_b, setup, expected):
    if setup == "name_taken":
        plan_year.status = PlanYearStatus.DRAFT
        plan_year.save()
        plan_adopt(actor=finance, plan_year=plan_year, date=datetime.date(2022, 1, 12))
        PlanVersion.objects.create(
            plan_year=plan_year, name="中期调整", kind="adjusted", date=datetime.date(2022, 6, 1), ordinal=2
        )
    else:
        plan_year.status = PlanYearStatus.DRAFT
        plan_year.save()
    client.force_login(finance)
    before = plan_year.versions.count()
    plan_before = row_of(project_a).annual_plan
    page = upload(client, project_a, project_b, version_name="中期调整", version_date="2022-07-15")
    assert page.status_code == 200
    assert "token" not in page.context or not page.context.get("token")
    errors = page.context["form"].errors["version_name"]
    assert any(expected in str(e) for e in errors), errors
    assert ImportPreview.objects.count() == 0
    assert plan_year.versions.count() == before and row_of(project_a).annual_plan == plan_before


def test_an_adjustment_needs_a_name_and_date(client, finance, adopted, project_a, project_b):
    client.force_login(finance)
    page = upload(client, project_a, project_b, version_name=" ", version_date="")
    form = page.context["form"]
    assert "version_name" in form.errors and "version_date" in form.errors
    assert ImportPreview.objects.count() == 0


def test_offices_are_not_offered_an_adjustment(client, office_a, adopted, project_a, project_b, plan_year):
    """An office's upload form has no adjustment fields; posting them anyway imports plain rows."""
    client.force_login(office_a)
    page = client.get(reverse("schedules:import"))
    assert "as_adjustment" not in page.content.decode()
    page = upload(client, project_a, project_b, version_name="中期调整", version_date="2022-07-15")
    assert "adjustment" not in page.context or page.context["adjustment"] is None
    assert plan_year.versions.count() == 1
