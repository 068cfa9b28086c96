"""Several years: a draft plan is invisible to leaders and rollups, the year switcher moves every
page between published years, a project carried into the next year keeps its code, history and
reports, and the rollover's prior-investment figure is the sum the approved reports give."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from portfolio.selectors import category_rollup
from projects import services
from projects.models import MilestoneKind, PlanYearStatus, ProgressReport, ProjectYear, Stage
from projects.rollover import rollover_apply, rollover_plan
from tests import factories
from tests.factories import row_of


def approved(project, office, reviewer, *, year=2022, month, amount, percent):
    report = services.report_create(
        actor=office,
        project=project,
        year=year,
        month=month,
        investment_completed=Decimal(amount),
        physical_percent=Decimal(percent),
    )
    services.report_submit(actor=office, report=report)
    return services.report_approve(actor=reviewer, report=report)


@pytest.fixture
def draft_2023(plan_year, project_a, categories):
    draft = factories.PlanYearFactory(year=2023, status=PlanYearStatus.DRAFT)
    factories.ProjectYearFactory(
        project=project_a, plan_year=draft, category=categories[5], annual_plan=Decimal("99999.00")
    )
    return draft


def test_a_draft_year_is_invisible_to_leaders(client, leader, plan_year, project_a, draft_2023):
    client.force_login(leader)
    response = client.get("/")
    assert response.context["plan_year"] == plan_year  # the adopted year, not the newer draft
    assert [y.year for y in response.context["plan_years"]] == [2022]
    for url in ("/?year=2023", "/projects/?year=2023", f"/projects/{project_a.code}/?year=2023"):
        assert client.get(url).status_code == 404, url
    assert "99,999" not in client.get(f"/projects/{project_a.code}/").content.decode()
    with pytest.raises(CommandError, match="2023"):
        call_command("rollup", "--year", "2023")
    # Adopted, it is counted.
    draft_2023.status = PlanYearStatus.ADOPTED
    draft_2023.save()
    assert client.get("/").context["plan_year"] == draft_2023
    assert client.get("/?year=2023").context["data"].rollup.total.annual_plan == Decimal("99999.00")


def test_the_switcher_moves_every_page_between_years(client, leader, plan_year, project_a, categories):
    factories.PlanYearFactory(year=2021, status=PlanYearStatus.CLOSED)
    old = factories.ProjectFactory(
        plan_year=factories.PlanYearFactory(year=2021), code="YY2021-TST-001", annual_plan=Decimal("500.00")
    )
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert 'id="year-switcher"' in html and 'href="/?year=2021"' in html and 'href="/?year=2022"' in html
    assert client.get("/?year=2021").context["data"].rollup.total.annual_plan == Decimal("500.00")
    codes = [r.record.project.code for r in client.get("/projects/?year=2021").context["table"].paginated_rows]
    assert codes == [old.code]
    assert client.get("/projects/?year=2022").context["plan_year"] == plan_year


def test_a_project_carried_into_the_next_year_keeps_code_history_and_reports(
    client, leader, admin_user, office_a, reviewer, plan_year, project_a, categories
):
    approved(project_a, office_a, reviewer, month=1, amount="100.00", percent="20")
    approved(project_a, office_a, reviewer, month=2, amount="250.50", percent="35")
    draft = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("999.00"),
        physical_percent=Decimal("40"),
    )
    plan = rollover_plan(from_year=plan_year, to_year=2023)
    (carried,) = plan.carried
    # 1000.00 before 2022 + 350.50 approved in 2022 (the draft's 999 is not approved).
    assert carried.completed_before_year == Decimal("1350.50")
    assert carried.stage == Stage.CONTINUING and not carried.flagged  # ends 2023
    target = rollover_apply(actor=admin_user, plan=plan)
    assert target.status == PlanYearStatus.DRAFT
    row_2023 = row_of(project_a, 2023)
    assert (row_2023.completed_before_year, row_2023.annual_plan) == (Decimal("1350.50"), Decimal("0.00"))
    assert row_2023.history.get().history_user == admin_user
    # The 2022 row and its reports are untouched; the project is one, with both years.
    assert row_of(project_a, 2022).reports.count() == 3 and draft.project_year.plan_year == plan_year
    assert sorted(project_a.years.values_list("plan_year__year", flat=True)) == [2022, 2023]
    # Adopted, 2023's reports go on the 2023 row, and the percent carries on from 2022.
    target.status = PlanYearStatus.ADOPTED
    target.save()
    services.project_year_update(
        actor=admin_user, project_year=row_2023, expected_version=row_2023.version, annual_plan=Decimal("2000.00")
    )
    with pytest.raises(Exception, match="35"):  # below the last approved percent (2022-02) without a reason
        services.report_create(
            actor=office_a,
            project=project_a,
            year=2023,
            month=1,
            investment_completed=Decimal("10"),
            physical_percent=Decimal("30"),
        )
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2023,
        month=1,
        investment_completed=Decimal("10"),
        physical_percent=Decimal("50"),
    )
    assert report.project_year == row_2023
    assert ProgressReport.objects.filter(project_year__project=project_a).count() == 4
    client.force_login(leader)
    assert client.get(f"/projects/{project_a.code}/?year=2022").context["data"].row.annual_plan == Decimal("1200.00")
    assert client.get(f"/projects/{project_a.code}/").context["data"].row == row_2023


def test_rollover_closes_finished_projects_and_flags_overdue_ones(plan_year, categories, unit_a, admin_user):
    done_event = factories.ProjectFactory(plan_year=plan_year, code="YY2022-TST-101", end_year=2022)
    factories.MilestoneFactory(
        project_year=row_of(done_event),
        kind=MilestoneKind.EVENT,
        event="acceptance",
        target_percent=None,
        met_on=datetime.date(2022, 11, 30),
    )
    done_works = factories.ProjectFactory(plan_year=plan_year, code="YY2022-TST-102", stage=Stage.COMPLETING)
    ProgressReport.objects.create(
        project_year=row_of(done_works),
        year=2022,
        month=9,
        physical_percent=100,
        investment_completed=Decimal("5"),
        status="approved",
    )
    overdue = factories.ProjectFactory(plan_year=plan_year, code="YY2022-TST-103", end_year=2022)
    preliminary = factories.ProjectFactory(plan_year=plan_year, code="YY2022-TST-104", stage=Stage.PRELIMINARY)
    plan = rollover_plan(from_year=plan_year, to_year=2023)
    assert {r.project for r in plan.closed} == {done_event, done_works}
    assert {c.row.project for c in plan.carried} == {overdue, preliminary}
    assert [c.row.project for c in plan.flagged] == [overdue]
    assert {c.row.project: c.stage for c in plan.carried}[preliminary] == Stage.PRELIMINARY


def test_rollover_dry_run_changes_nothing_and_the_command_reports(plan_year, project_a, admin_user, capsys):
    before = ProjectYear.objects.count()
    call_command("rollover", "--from", "2022", "--to", "2023", "--dry-run")
    out = capsys.readouterr().out
    assert project_a.code in out and ProjectYear.objects.count() == before
    assert not plan_year.__class__.objects.filter(year=2023).exists()
    call_command("rollover", "--from", "2022", "--to", "2023")
    assert ProjectYear.objects.filter(plan_year__year=2023).count() == 1
    with pytest.raises(CommandError):  # twice is refused, nothing doubled
        call_command("rollover", "--from", "2022", "--to", "2023")
    with pytest.raises(CommandError):
        call_command("rollover", "--from", "2022", "--to", "2025", "--dry-run")


def test_a_closed_year_never_changes(plan_year, project_a, admin_user, office_a):
    row = row_of(project_a)
    plan_year.status = PlanYearStatus.CLOSED
    plan_year.save()
    before = category_rollup(plan_year=plan_year).total
    services.project_update(
        actor=admin_user,
        project=project_a,
        expected_version=project_a.version,
        government_investment=Decimal("9000.00"),
        total_investment=Decimal("13000.00"),
    )
    assert category_rollup(plan_year=plan_year).total == before  # the closed row kept its figures
    with pytest.raises(Exception, match="2022"):
        services.project_year_update(
            actor=admin_user, project_year=row, expected_version=row.version, annual_plan=Decimal("1.00")
        )
    with pytest.raises(Exception, match="2022"):
        services.report_create(
            actor=office_a,
            project=project_a,
            year=2022,
            month=3,
            investment_completed=Decimal("1"),
            physical_percent=Decimal("1"),
        )


# --- plan versions ------------------------------------------------------------------------------


def test_adopting_a_draft_makes_its_first_version(admin_user, office_a, finance, categories, project_a):
    from projects.plan_versions import plan_adopt

    draft = factories.PlanYearFactory(year=2023, status=PlanYearStatus.DRAFT)
    row = factories.ProjectYearFactory(project=project_a, plan_year=draft, annual_plan=Decimal("800.00"))
    with pytest.raises(ValidationError):  # an office keeps its rows, not the county's plan
        plan_adopt(actor=office_a, plan_year=draft)
    version = plan_adopt(actor=finance, plan_year=draft, date=datetime.date(2023, 1, 10))
    draft.refresh_from_db()
    row.refresh_from_db()
    assert (draft.status, version.name, version.ordinal) == (PlanYearStatus.ADOPTED, "年初计划", 1)
    assert row.plan_version == version and version.figures.get().annual_plan == Decimal("800.00")
    with pytest.raises(ValidationError):
        plan_adopt(actor=finance, plan_year=draft)  # once


def test_an_adjustment_changes_completion_rates_and_keeps_the_adopted_version(
    client, leader, finance, office_a, reviewer, plan_year, project_a, project_b
):
    from projects.plan_versions import plan_adjust

    plan_year.status = PlanYearStatus.DRAFT
    plan_year.save()
    from projects.plan_versions import plan_adopt

    adopted = plan_adopt(actor=finance, plan_year=plan_year, date=datetime.date(2022, 1, 12))
    approved(project_a, office_a, reviewer, month=1, amount="600.00", percent="20")
    row_a = row_of(project_a)
    before = category_rollup(plan_year=plan_year)
    assert before.total.annual_plan == Decimal("2400.00") and before.total.completion_rate == Decimal("25.00")
    adjusted = plan_adjust(
        actor=finance,
        plan_year=plan_year,
        name="中期调整",
        date=datetime.date(2022, 7, 15),
        figures={row_a.pk: {"annual_plan": Decimal("600.00")}},
    )
    after = category_rollup(plan_year=plan_year)
    # 调整后: 600 of (600 + 1200) planned; the adopted version still reads 600 of 2400.
    assert after.total.annual_plan == Decimal("1800.00") and after.total.completion_rate == Decimal("33.33")
    kept = category_rollup(plan_year=plan_year, plan_version=adopted)
    assert kept.total.annual_plan == Decimal("2400.00") and kept.total.completion_rate == Decimal("25.00")
    assert adjusted.figures.count() == 2 and adopted.figures.get(project_year=row_a).annual_plan == Decimal("1200.00")
    # History says which version each figure came from.
    latest = row_a.history.first()
    assert latest.plan_version_id == adjusted.pk and latest.history_change_reason == "中期调整（2022-07-15）"
    assert latest.prev_record.plan_version_id == adopted.pk
    # The overview shows 调整前 and 调整后 side by side; the command too, and --plan-version picks one.
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert 'id="plan-adjustment"' in html and "年初计划" in html and "中期调整" in html
    import io

    out = io.StringIO()
    call_command("rollup", "--year", "2022", stdout=out)
    assert "调整前" in out.getvalue()
    out = io.StringIO()
    call_command("rollup", "--year", "2022", "--plan-version", "年初计划", "--format", "json", stdout=out)
    assert '"annual_plan": "2400.00"' in out.getvalue() and '"plan_version": "年初计划"' in out.getvalue()
    with pytest.raises(CommandError, match="中期调整"):
        call_command("rollup", "--year", "2022", "--plan-version", "第二次调整")
    # The workbook has the same comparison on its own sheet.
    from openpyxl import load_workbook

    from portfolio.excel.writing import write_schedule

    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year)
    sheet = load_workbook(buffer)["计划调整"]
    total = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "合计")
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in total[1:]] == [
        Decimal("2400.00"),
        Decimal("25.00"),
        Decimal("1800.00"),
        Decimal("33.33"),
    ]


def test_an_adjusted_schedule_imported_becomes_a_version(
    plan_year, project_a, project_b, finance, admin_user, categories
):
    """import_schedule --plan-version 中期调整: the file's annual figures are a new version, the
    adopted one kept; a second file under the same name is refused, nothing written."""
    import io as _io

    from openpyxl import Workbook

    from portfolio.excel.importing import import_apply
    from projects.plan_versions import plan_adopt

    plan_year.status = PlanYearStatus.DRAFT
    plan_year.save()
    adopted = plan_adopt(actor=finance, plan_year=plan_year, date=datetime.date(2022, 1, 12))
    wb = Workbook()
    wb.active.append(["项目代码", "项目名称", "年度计划投资", "年度建设目标"])
    wb.active.append([project_a.code, project_a.name, 900, "完成总工程量的50%"])
    wb.active.append([project_b.code, project_b.name, 1200, ""])  # unchanged
    buffer = _io.BytesIO()
    wb.save(buffer)
    result = import_apply(
        data=buffer.getvalue(),
        filename="调整.xlsx",
        actor=finance,
        year=2022,
        adjustment=("中期调整", datetime.date(2022, 7, 15)),
    )
    assert result.applied, [str(p) for p in result.problems]
    adjusted = plan_year.versions.get(name="中期调整")
    assert (adjusted.kind, adjusted.ordinal, adjusted.date) == ("adjusted", 2, datetime.date(2022, 7, 15))
    row_a = row_of(project_a)
    assert (row_a.annual_plan, row_a.annual_target, row_a.plan_version) == (
        Decimal("900.00"),
        "完成总工程量的50%",
        adjusted,
    )
    assert adopted.figures.get(project_year=row_a).annual_plan == Decimal("1200.00")
    assert row_of(project_b).plan_version == adopted  # its figure still comes from 年初计划
    wb.active["C2"] = 950
    buffer = _io.BytesIO()
    wb.save(buffer)
    again = import_apply(
        data=buffer.getvalue(),
        filename="调整.xlsx",
        actor=finance,
        year=2022,
        adjustment=("中期调整", datetime.date(2022, 8, 1)),
    )
    assert not again.applied and plan_year.versions.count() == 2
    assert row_of(project_a).annual_plan == Decimal("900.00")


def test_the_project_page_shows_all_its_years_and_reports(
    client, leader, admin_user, office_a, reviewer, plan_year, project_a
):
    approved(project_a, office_a, reviewer, month=5, amount="300.00", percent="45")
    approved(project_a, office_a, reviewer, month=9, amount="200.00", percent="52")
    rollover_apply(actor=admin_user, plan=rollover_plan(from_year=plan_year, to_year=2023))
    from projects.plan_versions import plan_adopt

    plan_adopt(actor=admin_user, plan_year=plan_year.__class__.objects.get(year=2023))
    approved(project_a, office_a, reviewer, year=2023, month=1, amount="50.00", percent="55")
    client.force_login(leader)
    response = client.get(f"/projects/{project_a.code}/")
    years = {y.plan_year.year: y for y in response.context["years"]}
    assert sorted(years) == [2022, 2023]
    assert (years[2022].completed_in_year, years[2022].year_end_percent) == (Decimal("500.00"), Decimal("52.00"))
    assert (years[2023].completed_before_year, years[2023].completed_in_year) == (Decimal("1500.00"), Decimal("50.00"))
    assert [(r.year, r.month) for r in response.context["data"].reports] == [(2023, 1), (2022, 5), (2022, 9)]
    html = response.content.decode()
    assert 'id="project-years"' in html and 'href="?year=2022"' in html


def test_plan_year_command_adopts_then_closes(admin_user, plan_year, project_a):
    import io as _io

    draft = factories.PlanYearFactory(year=2023, status=PlanYearStatus.DRAFT)
    factories.ProjectYearFactory(project=project_a, plan_year=draft)
    out = _io.StringIO()
    call_command("plan_year", "--year", "2023", "--adopt", "--date", "2023-01-10", stdout=out)
    draft.refresh_from_db()
    assert draft.status == PlanYearStatus.ADOPTED and draft.versions.get().date == datetime.date(2023, 1, 10)
    with pytest.raises(CommandError):
        call_command("plan_year", "--year", "2023", "--adopt")
    call_command("plan_year", "--year", "2022", "--close", stdout=out)
    plan_year.refresh_from_db()
    assert plan_year.status == PlanYearStatus.CLOSED


def test_a_monthly_import_into_a_draft_or_closed_year_is_refused_by_row(plan_year, project_a, admin_user):
    from projects import bulk

    for status in (PlanYearStatus.DRAFT, PlanYearStatus.CLOSED):
        plan_year.status = status
        plan_year.save()
        (outcome,) = bulk.reports_check(
            actor=admin_user,
            rows=[
                bulk.ReportRow(
                    key=("调度", 4),
                    code=project_a.code,
                    year=2022,
                    month=3,
                    values={"investment_completed": Decimal("1"), "physical_percent": Decimal("5")},
                )
            ],
        )
        assert outcome.status == "error" and "2022" in outcome.errors["year"][0]


def test_a_draft_years_schedule_is_for_the_plan_keepers_only(client, leader, finance, draft_2023):
    from django.urls import reverse

    client.force_login(leader)
    assert client.get(reverse("schedules:export"), {"year": 2023}).status_code == 404
    client.force_login(finance)
    response = client.get(reverse("schedules:export"), {"year": 2023})
    assert response.status_code == 200 and "2023" in response["Content-Disposition"]
