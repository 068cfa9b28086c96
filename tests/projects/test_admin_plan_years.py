"""A plan year's life in the admin: the plan keepers (admin, finance) adopt a draft, make an
adjustment version and close the year through confirmation pages and the plan_versions services;
offices, leaders and reviewers may not; the year's versions are shown read-only."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from projects.models import PlanVersion, PlanYearStatus
from projects.plan_versions import plan_adopt
from tests.factories import row_of

from .admin_support import change_url, project_year_post


def step_url(plan_year, step):
    return f"/admin/projects/planyear/{plan_year.pk}/{step}/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(plan_year, project_a, project_b):
    plan_year.status = PlanYearStatus.DRAFT
    plan_year.save()
    return plan_year


@pytest.fixture
def adopted(draft, finance):
    plan_adopt(actor=finance, plan_year=draft, date=datetime.date(2022, 1, 12))
    draft.refresh_from_db()
    return draft


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_finance_adopts_a_draft_after_confirming(finance, draft):
    client = logged_in(finance)
    page = client.get(change_url(draft)).content.decode()
    assert 'id="year-adopt"' in page and 'id="year-close"' not in page and 'id="year-adjust"' not in page
    confirm = client.get(step_url(draft, "adopt"))
    assert "是否通过2022年草案计划" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.status == PlanYearStatus.DRAFT  # the confirmation page writes nothing
    done = client.post(step_url(draft, "adopt"), follow=True)
    draft.refresh_from_db()
    assert draft.status == PlanYearStatus.ADOPTED
    version = draft.versions.get()
    assert (version.name, version.kind) == ("年初计划", "adopted")
    assert "2022年计划已通过" in messages_of(done)
    entry = LogEntry.objects.get(object_id=str(draft.pk))
    assert entry.user == finance and "2022年计划已通过" in entry.get_change_message()
    page = done.content.decode()
    assert 'id="versions-group"' in page and "年初计划" in page  # the versions, read-only


def test_an_adjustment_version_then_admin_edits_are_its_figures(admin_user, adopted, project_a, project_b):
    client = logged_in(admin_user)
    assert 'id="year-adjust"' in client.get(change_url(adopted)).content.decode()
    assert "中期调整" in client.get(step_url(adopted, "adjust")).content.decode()
    done = client.post(step_url(adopted, "adjust"), {"name": "中期调整", "date": "2022-07-15"}, follow=True)
    version = adopted.versions.get(name="中期调整")
    assert (version.kind, version.ordinal, version.date) == ("adjusted", 2, datetime.date(2022, 7, 15))
    assert version.figures.count() == 2  # the whole plan, copied
    assert "中期调整" in messages_of(done)
    row = row_of(project_a)
    client.post(change_url(row), project_year_post(row, annual_plan="900.00", change_reason="县政府中期调整"))
    row = row_of(project_a)
    assert (row.annual_plan, row.plan_version) == (Decimal("900.00"), version)
    assert version.figures.get(project_year=row).annual_plan == Decimal("900.00")
    first = adopted.versions.get(name="年初计划")
    assert first.figures.get(project_year=row).annual_plan == Decimal("1200.00")  # 年初计划 kept
    assert row.history.first().plan_version_id == version.pk
    # the year's page lists both versions, read-only
    page = client.get(change_url(adopted)).content.decode()
    versions = page[page.index('id="versions-group"') :]
    assert "年初计划" in versions and "中期调整" in versions and "2022年7月15日" in versions
    assert 'name="versions-0-name"' not in versions  # read-only: no inputs


def test_an_adjustment_name_already_used_is_a_form_error(finance, adopted):
    client = logged_in(finance)
    page = client.post(step_url(adopted, "adjust"), {"name": "年初计划", "date": "2022-07-15"})
    assert page.status_code == 200
    assert "已有名为年初计划的版本" in page.content.decode()
    assert adopted.versions.count() == 1


def test_finance_closes_an_adopted_year(finance, adopted):
    client = logged_in(finance)
    assert "是否关闭2022年计划" in client.get(step_url(adopted, "close")).content.decode()
    done = client.post(step_url(adopted, "close"), follow=True)
    adopted.refresh_from_db()
    assert adopted.status == PlanYearStatus.CLOSED
    assert "2022年计划已关闭" in messages_of(done)
    page = client.get(change_url(adopted)).content.decode()
    assert 'id="year-adjust"' not in page and 'id="year-close"' not in page


def test_a_step_out_of_order_is_refused_with_its_message(finance, draft):
    done = logged_in(finance).post(step_url(draft, "close"), follow=True)
    draft.refresh_from_db()
    assert draft.status == PlanYearStatus.DRAFT
    assert "只有已通过的计划可以调整或关闭" in messages_of(done)


@pytest.mark.parametrize("role", ["office_a", "leader", "reviewer"])
@pytest.mark.parametrize("step", ["adopt", "adjust", "close"])
def test_offices_leaders_and_reviewers_may_not(request, role, step, draft, finance):
    if step != "adopt":
        plan_adopt(actor=finance, plan_year=draft, date=datetime.date(2022, 1, 12))
    status = PlanYearStatus.DRAFT if step == "adopt" else PlanYearStatus.ADOPTED
    client = logged_in(request.getfixturevalue(role))
    page = client.get(change_url(draft))
    if page.status_code == 200:
        assert f'id="year-{step}"' not in page.content.decode()
    assert client.get(step_url(draft, step)).status_code == 403
    assert client.post(step_url(draft, step), {"name": "中期调整", "date": "2022-07-15"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == status
    assert PlanVersion.objects.filter(name="中期调整").count() == 0
