"""The benchmark generator (benchmarks/scale.py) makes data the application reads as it reads real
data: the rollup reproduces the declared totals, reports count, every page answers. Benchmarks and
the import benchmark rest on it, so a generator that drifted from the models would skew them all."""

import sys
from decimal import Decimal

import pytest
from django.conf import settings

from portfolio.selectors import category_rollup
from projects.models import PlanYear, ProgressReport, Project, ProjectYear, ReportEvent, User

sys.path.insert(0, str(settings.BASE_DIR / "benchmarks"))
import scale  # noqa: E402

pytestmark = pytest.mark.django_db


def test_generated_plan_rolls_up_to_its_declared_totals():
    counts = scale.populate(projects=60, months=3, year=2022)

    plan_year = PlanYear.objects.get(year=2022)
    assert plan_year.status == "adopted" and plan_year.reporting_month == 3
    assert plan_year.versions.get().name == "年初计划"
    assert counts["projects"] == Project.objects.count() == ProjectYear.objects.count() == 60
    assert ProgressReport.objects.filter(status="approved", is_current=True).count() == 180
    assert ReportEvent.objects.count() == 360
    rollup = category_rollup(plan_year=plan_year)
    assert rollup.total.projects == 60
    assert rollup.total.total_investment == plan_year.declared_total_investment
    assert rollup.total.annual_plan == plan_year.declared_annual_plan
    reported = sum(ProgressReport.objects.values_list("investment_completed", flat=True), Decimal(0))
    assert rollup.total.completed_ytd == reported.quantize(Decimal("0.01"))
    assert sum(rollup.total.flags.values()) == 60


def test_generated_data_serves_every_role(client):
    scale.populate(projects=30, months=2, year=2022)
    code = Project.objects.order_by("pk").values_list("code", flat=True)[0]
    for username, url in [
        ("leader", "/"),
        ("leader", "/projects/?sort=-completed_ytd"),
        ("leader", f"/projects/{code}/"),
        ("reviewer", "/problems/"),
        ("admin", "/admin/tools/rollup/"),
        (User.objects.filter(username__startswith="office-").values_list("username", flat=True)[0], "/"),
    ]:
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 200, (username, url)


def test_refuses_a_database_with_real_data(plan_2022):
    with pytest.raises(RuntimeError, match="already has a 2022 plan"):
        scale.populate(projects=10, months=1, year=2022)
    with pytest.raises(RuntimeError, match="did not generate"):
        scale.populate(projects=10, months=1, year=2031)
    assert not PlanYear.objects.filter(year=2031).exists()
