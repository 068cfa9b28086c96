"""The import follows the workflow's rules: who may import which rows, drafts never bypass
approval, locked reports stay locked, history and events are written, all or nothing."""

import gc
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from portfolio.excel.importing import ImportMsg, import_apply, import_preview
from projects import bulk, services
from projects.models import ProgressReport, Project, ReportAction, ReportEvent, ReportStatus


def dispatch_file(path, rows, header=("项目代码", "填报月份", "本月完成投资", "累计形象进度（%）", "进度下降原因")):
    wb = Workbook()
    ws = wb.active
    ws.title = "调度"
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def apply(path, actor, **kwargs):
    return import_apply(data=path.read_bytes(), filename=path.name, actor=actor, **kwargs)


def test_office_row_of_another_unit_is_an_error_and_nothing_is_written(tmp_path, project_a, project_b, office_a):
    path = dispatch_file(
        tmp_path / "d.xlsx", [(project_a.code, "2022-03", 10, 20), (project_b.code, "2022-03", 10, 20)]
    )
    result = apply(path, office_a)
    assert not result.applied
    [problem] = result.problems
    assert problem.message == str(services.ServiceMsg.NOT_YOURS) and problem.row == 3 and problem.column == "A"
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize("user", ["leader", "reviewer"])
def test_leaders_and_reviewers_may_not_import(tmp_path, project_a, user, request):
    actor = request.getfixturevalue(user)
    path = dispatch_file(tmp_path / "d.xlsx", [(project_a.code, "2022-03", 10, 20)])
    result = apply(path, actor)
    assert [p.message for p in result.problems] == [str(ImportMsg.NOT_ALLOWED)]
    assert ProgressReport.objects.count() == 0


def test_finance_imports_any_unit_as_drafts_with_history_and_events(tmp_path, project_a, project_b, finance):
    path = dispatch_file(
        tmp_path / "d.xlsx", [(project_a.code, "2022-03", "1,000.5", "30%"), (project_b.code, "2022年3月", 20, 0.5)]
    )
    result = apply(path, finance, reason="三月调度")
    assert result.applied, [str(p) for p in result.problems]
    reports = list(ProgressReport.objects.order_by("project_year__project__code"))
    assert [(r.investment_completed, r.physical_percent, r.status, r.created_by) for r in reports] == [
        (Decimal("1000.50"), Decimal("30.00"), ReportStatus.DRAFT, finance),
        (Decimal("20.00"), Decimal("0.50"), ReportStatus.DRAFT, finance),  # a "(%)" header: 0.5 means 0.5 %
    ]
    for report in reports:
        [history] = report.history.all()
        assert history.history_user == finance and history.history_change_reason == "三月调度"
        [event] = ReportEvent.objects.filter(report=report)
        assert (event.action, event.actor, event.to_status) == (ReportAction.IMPORT, finance, ReportStatus.DRAFT)


def test_finance_imports_the_plan_and_leaders_may_not(tmp_path, project_a, finance, leader, plan_year):
    from portfolio.excel.writing import write_schedule

    buffer = io.BytesIO()
    write_schedule(buffer, plan_year=plan_year)
    result = import_preview(data=buffer.getvalue(), filename="s.xlsx", actor=finance)
    assert result.problems == [] and result.counts["unchanged"] == 1
    refused = import_preview(data=buffer.getvalue(), filename="s.xlsx", actor=leader)
    assert [p.message for p in refused.problems] == [str(ImportMsg.NOT_ALLOWED)]


def test_submitted_report_is_locked_but_an_equal_row_is_unchanged(tmp_path, project_a, office_a):
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("10"),
        physical_percent=Decimal("20"),
    )
    services.report_submit(actor=office_a, report=report)
    same = apply(dispatch_file(tmp_path / "same.xlsx", [(project_a.code, "2022-03", 10, 20)]), office_a)
    assert same.ok and same.counts["unchanged"] == 1
    changed = apply(dispatch_file(tmp_path / "changed.xlsx", [(project_a.code, "2022-03", 11, 20)]), office_a)
    assert not changed.applied
    assert changed.problems[0].message == str(bulk.BulkReportMsg.LOCKED % {"status": ReportStatus.SUBMITTED.label})
    report.refresh_from_db()
    assert report.investment_completed == Decimal("10.00") and report.status == ReportStatus.SUBMITTED


def test_draft_is_updated_with_the_changed_fields_listed(tmp_path, project_a, office_a):
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=3,
        investment_completed=Decimal("10"),
        physical_percent=Decimal("20"),
    )
    path = dispatch_file(tmp_path / "d.xlsx", [(project_a.code, "2022-03", 12.5, 20)])
    preview = import_preview(data=path.read_bytes(), filename=path.name, actor=office_a)
    [row] = preview.rows
    assert row.status == "changed"
    assert [(old, new) for _label, old, new in row.changes] == [("10.00", "12.50")]
    assert apply(path, office_a).applied
    report.refresh_from_db()
    assert report.investment_completed == Decimal("12.50") and report.version == 2
    assert report.history.count() == 2
    assert ReportEvent.objects.filter(report=report, action=ReportAction.IMPORT).count() == 1


def test_percent_below_last_approved_needs_a_reason(tmp_path, project_a, office_a, reviewer):
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=2,
        investment_completed=Decimal("10"),
        physical_percent=Decimal("40"),
    )
    services.report_submit(actor=office_a, report=report)
    services.report_approve(actor=reviewer, report=report)
    refused = apply(dispatch_file(tmp_path / "d.xlsx", [(project_a.code, "2022-03", 1, 30)]), office_a)
    assert not refused.applied
    drop = services.ServiceMsg.PERCENT_DROP % {"new": Decimal("30.00"), "old": Decimal("40.00")}
    assert refused.problems[0].message == str(drop)
    accepted = apply(dispatch_file(tmp_path / "r.xlsx", [(project_a.code, "2022-03", 1, 30, "复核后下调")]), office_a)
    assert accepted.applied


def test_future_month_and_duplicate_rows(tmp_path, project_a, office_a):
    path = dispatch_file(
        tmp_path / "d.xlsx",
        [(project_a.code, "2022-03", 1, 10), (project_a.code, "2022-03", 2, 10), (project_a.code, "2099-01", 1, 10)],
    )
    result = apply(path, office_a)
    messages = [(p.row, p.message) for p in result.problems]
    assert (3, str(bulk.BulkReportMsg.DUPLICATE_ROW % {"row": 2})) in messages
    assert any(row == 4 for row, _m in messages)
    assert ProgressReport.objects.count() == 0


def test_year_to_date_figures_become_the_months_amount(tmp_path, project_a, office_a):
    services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=2,
        investment_completed=Decimal("100"),
        physical_percent=Decimal("10"),
    )
    path = dispatch_file(
        tmp_path / "d.xlsx", [(project_a.code, 250, 15)], header=("项目代码", "1-3月完成投资", "累计形象进度（%）")
    )
    result = apply(path, office_a, month=3)
    assert result.applied, [str(p) for p in result.problems]
    assert ProgressReport.objects.get(month=3).investment_completed == Decimal("150.00")


def test_plan_office_may_not_move_a_project_to_another_unit(tmp_path, project_a, office_a, unit_b):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目代码", "项目名称", "责任单位"])
    ws.append([project_a.code, project_a.name, unit_b.name])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    result = apply(path, office_a)
    assert [p.message for p in result.problems] == [str(services.ServiceMsg.NOT_YOURS)]
    project_a.refresh_from_db()
    assert project_a.responsible_unit != unit_b


def test_plan_update_goes_through_the_service_history(tmp_path, project_a, office_a):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目代码", "项目名称", "总投资", "政府性投资", "社会性投资"])
    ws.append([project_a.code, "新名字", "20,000", "１５０００", 5000])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    result = apply(path, office_a, reason="年中调整")
    assert result.applied, [str(p) for p in result.problems]
    project_a.refresh_from_db()
    assert (project_a.name, project_a.total_investment, project_a.version) == ("新名字", Decimal("20000.00"), 2)
    assert project_a.history.first().history_change_reason == "年中调整"


def test_plan_funding_split_error(tmp_path, project_a, admin_user):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目代码", "总投资", "政府性投资", "社会性投资"])
    ws.append([project_a.code, 100, 50, 40])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    result = apply(path, admin_user)
    assert [(p.message, p.column) for p in result.problems] == [(str(services.ServiceMsg.FUNDING_SPLIT), "D")]


# --- the commands -----------------------------------------------------------------------------


def test_command_dry_run_writes_nothing_and_apply_writes(tmp_path, project_a, office_a, capsys):
    path = dispatch_file(tmp_path / "d.xlsx", [(project_a.code, "2022-03", 10, 20)])
    call_command("import_schedule", str(path), "--user", office_a.username, "--dry-run")
    assert ProgressReport.objects.count() == 0
    assert "1" in capsys.readouterr().out
    call_command("import_schedule", str(path), "--user", office_a.username)
    assert ProgressReport.objects.count() == 1


def test_command_refusal_exits_non_zero_and_lists_problems(tmp_path, project_a, project_b, office_a, capsys):
    path = dispatch_file(
        tmp_path / "d.xlsx", [(project_b.code, "2022-03", "x", 20), ("YY2022-NON-001", "2022-03", 1, 1)]
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_schedule", str(path), "--user", office_a.username)
    assert exc.value.returncode == 1
    err = capsys.readouterr().err
    assert err.count("\n") >= 2 and "C" in err
    assert ProgressReport.objects.count() == 0


def test_command_without_user_imports_as_the_superuser(tmp_path, project_a, admin_user, office_a, capsys):
    path = dispatch_file(tmp_path / "d.xlsx", [(project_a.code, "2022-03", 10, 20)])
    call_command("import_schedule", str(path))
    report = ProgressReport.objects.get()
    assert report.created_by == admin_user and report.history.first().history_user == admin_user
    assert "admin" in capsys.readouterr().err


def test_command_without_user_and_no_superuser_is_refused(tmp_path, project_a, office_a):
    path = dispatch_file(tmp_path / "d.xlsx", [(project_a.code, "2022-03", 10, 20)])
    with pytest.raises(CommandError, match="--user"):
        call_command("import_schedule", str(path))
    assert ProgressReport.objects.count() == 0


def test_command_on_a_broken_file(tmp_path, office_a):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError):
        call_command("import_schedule", str(path), "--user", office_a.username)


def test_export_commands(tmp_path, project_a, plan_year):
    from openpyxl import load_workbook

    call_command("export_schedule", str(tmp_path / "s.xlsx"), "--year", "2022", "--month", "3")
    assert load_workbook(tmp_path / "s.xlsx").sheetnames == [
        "项目计划表",
        "分类汇总",
        "节点目标",
        "3月调度",
        "问题清单",
        "红黑榜",
    ]
    call_command("export_template", str(tmp_path / "t.xlsx"))
    wb = load_workbook(tmp_path / "t.xlsx")
    validations = wb["项目计划表"].data_validations.dataValidation
    assert len(validations) == 3
    assert Project.objects.count() == 1


def test_filled_template_creates_the_project(tmp_path, plan_year, categories, unit_a, office_a):
    from openpyxl import load_workbook

    from portfolio.excel.writing import write_template

    path = tmp_path / "template.xlsx"
    write_template(path, plan_year=plan_year)
    wb = load_workbook(path)
    ws = wb["项目计划表"]
    headers = [c.value for c in ws[3]]
    row = {
        "项目代码": "YY2022-NEW-001",
        "项目名称": "新建污水厂",
        "项目类别": categories[3].name,
        "建设性质": "新开工",
        "建设起止年限": "2022-2023",
        "总投资": "1,000",
        "政府性投资": 600,
        "社会性投资": 400,
        "2022年计划投资": 300,
        "业主单位": "云阳县水务公司",
        "责任单位": unit_a.name,
    }
    for column, header in enumerate(headers, start=1):
        ws.cell(row=4, column=column, value=row.get(header))
    wb.save(path)
    result = apply(path, office_a)
    assert result.applied, [str(p) for p in result.problems]
    project = Project.objects.get(code="YY2022-NEW-001")
    year = project.years.get(plan_year=plan_year)
    assert (year.category, year.stage, project.total_investment, year.total_investment, year.annual_plan) == (
        categories[3],
        "new",
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("300.00"),
    )
    assert project.history.first().history_user == office_a
    assert year.history.first().history_user == office_a


def test_the_garbage_collector_runs_again_after_an_import(
    tmp_path, project_a, project_b, office_a, finance, monkeypatch
):
    """The import holds Python's cyclic collector off while it runs (run._collector_paused): on
    again after an applied file, a refused one, a preview, and an import that raised."""
    applied = dispatch_file(tmp_path / "a.xlsx", [(project_a.code, "2022-03", 10, 20)])
    refused = dispatch_file(tmp_path / "r.xlsx", [(project_b.code, "2022-03", 10, 20)])
    assert apply(applied, finance).applied and gc.isenabled()
    assert not apply(refused, office_a).applied and gc.isenabled()
    assert import_preview(data=refused.read_bytes(), filename="r.xlsx", actor=office_a).problems and gc.isenabled()
    from portfolio.excel.importing import run

    def broken(data, filename):
        raise RuntimeError("reader broke")

    with monkeypatch.context() as patched:
        patched.setattr(run, "read_workbook", broken)
        with pytest.raises(RuntimeError):
            apply(applied, finance)
    assert gc.isenabled()
    gc.disable()  # already off: left off
    try:
        import_preview(data=applied.read_bytes(), filename="a.xlsx", actor=finance)
        assert not gc.isenabled()
    finally:
        gc.enable()
