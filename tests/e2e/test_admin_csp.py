"""The admin under the Content-Security-Policy: an administrator walks its main pages — a
changelist, a change form, the plan year page and its buttons, a report review with its
confirmation, the admin's tools and the schedule upload — and the browser reports no CSP
violation, no console error and no uncaught script error on any of them."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from projects import services
from projects.models import PlanYearStatus, ProgressReport, ReportStatus
from tests.e2e.conftest import choose_in_autocomplete, screenshot, sign_in

pytestmark = pytest.mark.e2e


def _submitted(project, office, month):
    report = services.report_create(
        actor=office,
        project=project,
        year=2022,
        month=month,
        investment_completed="300.00",
        physical_percent=str(10 * month),
    )
    return services.report_submit(actor=office, report=report)


def _monthly_workbook(tmp_path, code: str):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"])
    ws.append([code, "2022-05", 10, 50])
    path = tmp_path / "2022年5月.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_an_administrator_walks_the_admin_with_no_csp_violation_or_console_error(
    new_page, tmp_path, plan_year, portfolio, project_a, office_a, admin_user
):
    first, second = _submitted(project_a, office_a, 3), _submitted(project_a, office_a, 4)
    page = new_page(console_errors_fail=True)
    sign_in(page, "admin", next_url=reverse("admin:index"))
    screenshot(page, "admin-csp-index")

    # A changelist with its filters and search, then a change form with its widgets.
    assert page.goto(reverse("admin:projects_project_changelist")).ok
    page.fill("#searchbar", project_a.code)
    page.press("#searchbar", "Enter")
    page.wait_for_load_state("networkidle")
    assert project_a.name in page.locator("#result_list").inner_text()
    screenshot(page, "admin-csp-project-changelist")
    assert page.goto(reverse("admin:projects_project_change", args=[project_a.pk])).ok
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-csp-project-change")

    # A new report: the project is searched as typed (the admin's vendored select2, no inline script).
    assert page.goto(reverse("admin:projects_progressreport_add")).ok
    choose_in_autocomplete(page, "project", project_a.code, project_a.name)
    assert page.input_value("select[name=project]") == str(project_a.pk)
    screenshot(page, "admin-csp-report-add-autocomplete")

    # A report's review page, then bulk approval through its confirmation page.
    assert page.goto(reverse("admin:projects_progressreport_change", args=[first.pk])).ok
    screenshot(page, "admin-csp-report-review")
    page.goto(reverse("admin:projects_progressreport_changelist") + "?status__exact=submitted&q=" + project_a.code)
    for report in (first, second):
        page.check(f"input.action-select[value='{report.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#approve-list tbody tr").count() == 2
    screenshot(page, "admin-csp-approve-confirmation")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}

    # The admin's tools: the roll-up (its month selector submits by script) and the call list.
    page.goto(reverse("portfolio_admin:rollup") + "?year=2022")
    with page.expect_navigation():
        page.select_option("#id_month", "6")
    assert "month=6" in page.url
    screenshot(page, "admin-csp-rollup")
    page.goto(reverse("portfolio_admin:missing_reports") + "?year=2022")
    with page.expect_navigation():
        page.select_option("#id_month", "5")
    assert "month=5" in page.url
    screenshot(page, "admin-csp-missing-reports")

    # The schedule upload: a monthly workbook, its preview, applied.
    page.goto(reverse("schedules:import"))
    page.set_input_files("#id_file", str(_monthly_workbook(tmp_path, project_a.code)))
    page.click("form[enctype='multipart/form-data'] input[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-csp-schedule-preview")
    assert project_a.code in page.locator("#rows").inner_text()
    screenshot(page, "admin-csp-schedule-preview")
    page.click("input[value='应用全部更改'], .submit-row input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert ProgressReport.objects.filter(month=5).exists()
    screenshot(page, "admin-csp-schedule-applied")

    # The plan year's page and its buttons: adjusting is offered and cancelled (the cancel link is
    # a script), then confirmed; closing is confirmed.
    page.goto(reverse("admin:projects_planyear_change", args=[plan_year.pk]))
    screenshot(page, "admin-csp-plan-year")
    page.click("#year-adjust")
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-csp-plan-year-adjust")
    with page.expect_navigation():
        page.click(".cancel-link")
    year_page = reverse("admin:projects_planyear_change", args=[plan_year.pk])
    assert page.url.endswith(year_page)
    page.click("#year-adjust")
    page.wait_for_load_state("networkidle")
    page.click("input[name=confirm]")  # the form as shown, its date included, is accepted
    page.wait_for_load_state("networkidle")
    assert "/adjust/" not in page.url, "the adjustment's own form was refused"
    assert plan_year.versions.filter(name="中期调整").exists()
    screenshot(page, "admin-csp-plan-year-adjusted")
    page.goto(year_page)
    page.click("#year-close")
    page.wait_for_load_state("networkidle")
    page.click("input[name=confirm]")
    page.wait_for_load_state("networkidle")
    plan_year.refresh_from_db()
    assert plan_year.status == PlanYearStatus.CLOSED
    screenshot(page, "admin-csp-plan-year-closed")
