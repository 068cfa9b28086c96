"""The progress summary (ProjectYearProgress): its figures against a hand computation from the
reports, refresh reaching the project's other years, and `rebuild_progress` finding and fixing a
wrong row. Runs on SQLite and, with DATABASE_URL set, on PostgreSQL."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from projects import progress
from projects.models import (
    PlanYearStatus,
    ProgressReport,
    ProjectYear,
    ProjectYearProgress,
    ReportAction,
    ReportEvent,
    ReportStatus,
)
from tests import factories

D = Decimal


def stored(pk) -> dict:
    return ProjectYearProgress.objects.filter(pk=pk).values(*progress.COLUMNS).get()


def assert_summary_agrees():
    """Every project-year has its summary row, equal to the computation from the reports."""
    ids = list(ProjectYear.objects.values_list("pk", flat=True))
    expected = progress.computed(ids)
    actual = {
        row.pop("project_year_id"): row
        for row in ProjectYearProgress.objects.values("project_year_id", *progress.COLUMNS)
    }
    assert actual == expected


def report(row, month, *, amount="0.00", percent="0", status=ReportStatus.APPROVED, filed=None, **extra):
    """A report written raw (the services' own tests are elsewhere), with its first submission on `filed`."""
    made = ProgressReport.objects.create(
        project_year=row,
        year=row.plan_year.year,
        month=month,
        investment_completed=D(amount),
        physical_percent=D(percent),
        status=status,
        **extra,
    )
    if filed is not None:
        event = ReportEvent.objects.create(
            report=made,
            action=ReportAction.SUBMIT,
            actor=factories.UserFactory(username="office"),
            to_status="submitted",
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=datetime.datetime(*filed, 9, 0, tzinfo=datetime.UTC))
    return made


@pytest.fixture
def two_years(plan_year, categories, unit_a):
    project = factories.ProjectFactory(plan_year=plan_year, category=categories[0], responsible_unit=unit_a)
    later = factories.PlanYearFactory(year=2023, status=PlanYearStatus.ADOPTED)
    return factories.row_of(project), factories.ProjectYearFactory(project=project, plan_year=later)


def test_month_columns_name_the_three_figures():
    assert progress.month_columns(9) == ("completed_m09", "percent_m09", "on_time_m09")
    assert len(progress.COLUMNS) == 36
    with pytest.raises(ValueError):
        progress.month_columns(13)


def test_computed_follows_the_rules_of_the_reports(two_years):
    row_2022, row_2023 = two_years
    report(row_2022, 1, amount="100.00", percent="10", filed=(2022, 2, 5))  # on the due day: on time
    report(row_2022, 2, amount="50.50", percent="12", filed=(2022, 3, 6))  # a day late
    # Not counted: a submitted report (but it was filed on time), a superseded revision, a draft.
    report(row_2022, 3, amount="999.00", percent="90", status=ReportStatus.SUBMITTED, filed=(2022, 4, 1))
    report(row_2022, 1, amount="888.00", percent="88", status=ReportStatus.SUPERSEDED, revision=0, is_current=False)
    report(row_2022, 4, amount="777.00", percent="77", status=ReportStatus.DRAFT, filed=(2022, 5, 1))
    report(row_2022, 5, amount="10.00", percent="15")
    report(row_2023, 2, amount="5.00", percent="20")

    figures = progress.computed([row_2022.pk, row_2023.pk])
    y22, y23 = figures[row_2022.pk], figures[row_2023.pk]
    assert [y22[f"completed_m{m:02d}"] for m in range(1, 13)] == [D("100.00")] + [D("150.50")] * 3 + [D("160.50")] * 8
    assert [y22[f"percent_m{m:02d}"] for m in range(1, 13)] == [D("10"), D("12"), D("12"), D("12")] + [D("15")] * 8
    assert [y22[f"on_time_m{m:02d}"] for m in range(1, 13)] == [1, 1, 2, 2] + [2] * 8
    # 2023 carries 2022's last percent until it reports one of its own; its money is its own.
    assert y23["percent_m01"] == D("15") and y23["percent_m02"] == D("20") and y23["percent_m12"] == D("20")
    assert y23["completed_m01"] == D("0.00") and y23["completed_m12"] == D("5.00")
    assert y23["on_time_m12"] == 0


def test_refresh_writes_every_year_of_the_project(two_years):
    row_2022, row_2023 = two_years
    report(row_2022, 1, amount="100.00", percent="10")
    progress.refresh([row_2022.pk])  # a 2022 approval changes 2023's carried percent too
    assert stored(row_2023.pk)["percent_m01"] == D("10")
    assert_summary_agrees()

    ProgressReport.objects.filter(project_year=row_2022).update(physical_percent=D("11"))
    progress.refresh([row_2022.pk])  # the rows are rewritten, not duplicated
    assert ProjectYearProgress.objects.count() == 2
    assert stored(row_2023.pk)["percent_m12"] == D("11")
    assert_summary_agrees()


def test_a_project_year_is_deleted_with_its_summary(two_years):
    row_2022, row_2023 = two_years
    progress.refresh([row_2023.pk])
    row_2023.delete()
    assert list(ProjectYearProgress.objects.values_list("pk", flat=True)) == [row_2022.pk]


def test_rebuild_progress_finds_and_fixes_a_wrong_row(two_years):
    row_2022, row_2023 = two_years
    report(row_2022, 3, amount="100.00", percent="10")
    progress.refresh([row_2022.pk])
    ProjectYearProgress.objects.filter(pk=row_2022.pk).update(completed_m09=D("1.00"))  # tampered
    ProjectYearProgress.objects.filter(pk=row_2023.pk).delete()  # lost

    out = StringIO()
    call_command("rebuild_progress", stdout=out)
    assert out.getvalue().startswith("已核对2个项目年度进度；其中2个与月报不一致")
    assert stored(row_2022.pk)["completed_m09"] == D("100.00")
    assert_summary_agrees()

    out = StringIO()
    call_command("rebuild_progress", year=2022, stdout=out)
    assert out.getvalue().startswith("已核对1个项目年度进度；其中0个")


# --- the summary agrees with the reports after every real operation ----------------------------


def dispatch_file(path, rows):
    """A monthly dispatch workbook as offices send it (portfolio.excel's importer reads it)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "调度"
    ws.append(["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def import_file(path, actor):
    from portfolio.excel.importing import import_apply

    return import_apply(data=path.read_bytes(), filename=path.name, actor=actor)


def snapshot() -> list:
    return list(ProjectYearProgress.objects.order_by("pk").values("pk", *progress.COLUMNS))


def test_the_summary_agrees_with_the_reports_after_every_step(
    tmp_path, plan_year, project_a, project_b, office_a, office_b, finance, reviewer, admin_user
):
    from projects import services
    from projects.rollover import rollover_apply, rollover_plan

    progress.rebuild()  # the factories write their rows raw
    assert_summary_agrees()

    def file(project, month, amount, percent, office, year=2022):
        return services.report_create(
            actor=office,
            project=project,
            year=year,
            month=month,
            investment_completed=D(amount),
            physical_percent=D(percent),
        )

    def step(operation, *args, **kwargs):
        result = operation(*args, **kwargs)
        assert_summary_agrees()
        return result

    march = step(file, project_a, 3, "300.00", "10", office_a)
    march = step(services.report_submit, actor=office_a, report=march)
    march = step(services.report_return, actor=reviewer, report=march, comment="补充说明")
    march = step(
        services.report_update,
        actor=office_a,
        report=march,
        expected_version=march.version,
        investment_completed=D("310"),
    )
    march = step(services.report_submit, actor=office_a, report=march)
    march = step(services.report_approve, actor=reviewer, report=march)
    assert stored(march.project_year_id)["completed_m03"] == D("310.00")

    correction = step(services.report_revise, actor=office_a, report=march, reason="更正")
    correction = step(
        services.report_update,
        actor=office_a,
        report=correction,
        expected_version=correction.version,
        investment_completed=D("320"),
    )
    correction = step(services.report_submit, actor=office_a, report=correction)
    step(services.report_approve, actor=reviewer, report=correction)
    assert stored(march.project_year_id)["completed_m12"] == D("320.00")  # the correction replaced March

    result = step(
        import_file,
        dispatch_file(
            tmp_path / "april.xlsx", [(project_a.code, "2022-04", 40, 20), (project_b.code, "2022-04", 50, 5)]
        ),
        finance,
    )
    assert result.applied, [str(p) for p in result.problems]
    april = ProgressReport.objects.get(project_year__project=project_b, month=4)
    april = step(services.report_submit, actor=office_b, report=april)
    step(services.report_approve, actor=reviewer, report=april)

    step(rollover_apply, actor=admin_user, plan=rollover_plan(from_year=plan_year, to_year=2023))
    row_2023 = project_a.years.get(plan_year__year=2023)
    assert stored(row_2023.pk)["percent_m01"] == D("10")  # carried from March 2022

    row_2023.plan_year.__class__.objects.filter(year=2023).update(status=PlanYearStatus.ADOPTED)
    january = step(file, project_a, 1, "100.00", "30", office_a, year=2023)
    january = step(services.report_submit, actor=office_a, report=january)
    step(services.report_approve, actor=reviewer, report=january)
    assert stored(row_2023.pk)["percent_m01"] == D("30")

    # A late 2022 report after 2023 exists: 2022's figures change, 2023's carried percent does not
    # (2023 has its own from January on).
    may = step(file, project_a, 5, "50.00", "12", office_a)
    may = step(services.report_submit, actor=office_a, report=may)
    step(services.report_approve, actor=reviewer, report=may)
    assert stored(march.project_year_id)["percent_m05"] == D("12")

    later = factories.PlanYearFactory(year=2024, status=PlanYearStatus.ADOPTED)
    step(
        services.project_year_create,
        actor=admin_user,
        project=project_a,
        plan_year=later,
        category=row_2023.category,
        stage=row_2023.stage,
        annual_plan=D("100"),
    )
    assert stored(project_a.years.get(plan_year=later).pk)["percent_m01"] == D("30")  # the works carry on


def test_a_refused_import_leaves_the_summary_as_it_was(tmp_path, project_a, project_b, office_a, reviewer):
    from projects import services

    march = services.report_create(
        actor=office_a, project=project_a, year=2022, month=3, investment_completed=D("10"), physical_percent=D("10")
    )
    services.report_approve(actor=reviewer, report=services.report_submit(actor=office_a, report=march))
    progress.rebuild()  # project_b's row, written raw by the factories
    before, reports, events = snapshot(), ProgressReport.objects.count(), ReportEvent.objects.count()
    # The office's own row is fine, project_b belongs to another unit: the whole file is refused.
    path = dispatch_file(
        tmp_path / "d.xlsx", [(project_a.code, "2022-04", 10, 20), (project_b.code, "2022-04", 10, 20)]
    )
    result = import_file(path, office_a)
    assert not result.applied
    assert (snapshot(), ProgressReport.objects.count(), ReportEvent.objects.count()) == (before, reports, events)
    assert_summary_agrees()
