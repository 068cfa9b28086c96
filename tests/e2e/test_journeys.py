"""The three journeys in a real browser: an office logs a month's progress and submits it, a
reviewer approves it, and the leader's overview and project list show the changed figures and
flags; finance filters the list and exports it. Screenshots of every page go to
artifacts/screenshots/ (kept as test artefacts, not committed)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portfolio.selectors import category_rollup, rollup_as_json
from projects import services
from projects.models import ProgressReport, ReportStatus
from projects.selectors import current_period, projects_with_progress
from tests import factories
from tests.e2e.conftest import SCREENSHOTS, choose_in_autocomplete, screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def jianglong(plan_year, categories, unit_a):
    """A project with nothing reported yet: 0 % of its plan against 75 % elapsed, so red."""
    return factories.ProjectFactory(
        plan_year=plan_year,
        category=categories[5],
        responsible_unit=unit_a,
        code="2020-500235-48-01-123456",
        name="江龙高速（云阳段）",
        annual_plan=Decimal("80000.00"),
        government_investment=Decimal("600000.00"),
        social_investment=Decimal("400000.00"),
        location="双江街道",
    )


def flag_of(project, plan_year) -> str:
    return projects_with_progress(current_period(plan_year)).get(project=project).flag


def row_text(page, code: str) -> str:
    return page.locator("#project-table tbody tr", has_text=code).inner_text()


def overview_figures(page) -> dict:
    import json

    return json.loads(page.locator("#overview-figures").text_content())


# --- journeys 1 and 2: the office and the reviewer in the admin --------------------------------


def test_office_logs_progress_in_the_admin_and_a_reviewer_approves_it(
    new_page, plan_year, portfolio, jianglong, office_a, reviewer, leader
):
    office = new_page()
    sign_in(office, "office_a", next_url=reverse("admin:index"))
    assert office.goto(reverse("admin:projects_progressreport_add")).ok
    # The project is searched as typed (100,000 options would not fit a dropdown at province scale).
    choose_in_autocomplete(office, "project", jianglong.code, jianglong.name)
    assert office.input_value("select[name=project]") == str(jianglong.pk)
    office.fill("#id_year", "2022")
    office.fill("#id_month", "9")
    office.fill("#id_investment_completed", "60000.00")
    office.fill("#id_physical_percent", "58")
    office.fill("#id_physical_narrative", "路基完成85%，桥梁完成70%")
    office.fill("#id_problems", "无")
    screenshot(office, "journey1-admin-add-report")
    office.click("input[name=_save], button[name=_save]")
    office.wait_for_load_state("networkidle")
    report = ProgressReport.objects.get(project_year__project=jianglong, year=2022, month=9)
    assert report.status == ReportStatus.DRAFT
    office.goto(reverse("admin:projects_progressreport_change", args=[report.pk]))
    office.click("[name=_submit]")
    office.wait_for_load_state("networkidle")
    screenshot(office, "journey1-admin-submitted")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    review = new_page()
    sign_in(review, "reviewer", next_url=reverse("admin:index"))
    review.goto(reverse("admin:projects_progressreport_change", args=[report.pk]))
    screenshot(review, "journey2-admin-review")
    review.click("[name=_approve]")
    review.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    _leader_sees(new_page, plan_year, jianglong, completed="60,000.00")


# --- journey 3: what the leader sees after the approval --------------------------------------------


def _leader_sees(new_page, plan_year, project, *, completed: str):
    page = new_page()
    sign_in(page, "leader")
    assert overview_figures(page) == rollup_as_json(category_rollup(plan_year=plan_year))
    assert page.locator("#kpi-projects").inner_text() == str(category_rollup(plan_year=plan_year).total.projects)
    screenshot(page, "journey3-overview-after")
    page.goto("/projects/?q=" + project.code)
    text = row_text(page, project.code)
    assert completed in text
    assert "正常推进" in text  # 60,000 of 80,000 = 75 % = 序时进度: green
    screenshot(page, "journey3-project-list-after")
    return page


def test_leader_sees_the_approved_month_in_the_overview_and_list(
    new_page, plan_year, portfolio, jianglong, office_a, reviewer, leader
):
    page = new_page()
    sign_in(page, "leader")
    before = overview_figures(page)
    assert flag_of(jianglong, plan_year) == "red"
    page.goto("/projects/?q=" + jianglong.code)
    assert "重点关注" in row_text(page, jianglong.code)
    screenshot(page, "journey3-project-list-before")

    # Journeys 1-2 through the services here; the admin path is walked by the test above.
    report = services.report_create(
        actor=office_a,
        project=jianglong,
        year=2022,
        month=9,
        investment_completed=Decimal("60000.00"),
        physical_percent=Decimal("58"),
        physical_narrative="路基完成85%，桥梁完成70%",
    )
    services.report_submit(actor=office_a, report=report)
    page.reload()
    assert "重点关注" in row_text(page, jianglong.code)  # submitted is not yet counted
    services.report_approve(actor=reviewer, report=report)

    after_page = _leader_sees(new_page, plan_year, jianglong, completed="60,000.00")
    after_page.goto("/")
    after = overview_figures(after_page)
    regional = next(c for c in after["categories"] if c["code"] == "regional")
    regional_before = next(c for c in before["categories"] if c["code"] == "regional")
    assert Decimal(regional["completed_ytd"]) - Decimal(regional_before["completed_ytd"]) == Decimal("60000.00")
    assert Decimal(after["total"]["completed_ytd"]) - Decimal(before["total"]["completed_ytd"]) == Decimal("60000.00")
    # The flag counts moved one project from red to green.
    rollup = category_rollup(plan_year=plan_year)
    assert after_page.locator("#kpi-flags .flag-green").inner_text().strip() == str(rollup.total.flags["green"])
    # One click to the list, one more to the project.
    after_page.click("#category-table a:has-text('重大区域协调发展项目')")
    after_page.wait_for_load_state("networkidle")
    assert re.search(r"/projects/\?category=\d+$", after_page.url)
    after_page.click(f"#project-table a:has-text('{jianglong.name}')")
    after_page.wait_for_load_state("networkidle")
    assert after_page.url.endswith(f"/projects/{jianglong.code}/?year=2022")
    assert after_page.locator("#project-completed").inner_text().startswith("60,000.00")
    after_page.wait_for_function("() => Object.keys(Chart.instances).length === 1")
    screenshot(after_page, "project-detail")


# --- journey 4: finance exports the filtered list ---------------------------------------------------


def test_finance_filters_the_list_and_exports_it(new_page, plan_year, categories, portfolio, finance):
    page = new_page()
    sign_in(page, "finance", next_url="/projects/")
    page.select_option("#id_flag", "red")
    page.select_option("#id_category", str(categories[0].pk))
    page.click("#project-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    expected = sorted(
        p.project.code
        for p in projects_with_progress(current_period(plan_year)).filter(flag="red", category=categories[0])
    )
    assert expected
    shown = sorted(page.locator("#project-table tbody td.code").all_inner_texts())
    assert shown == expected
    screenshot(page, "journey4-finance-filtered-list")
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = SCREENSHOTS.parent / download.suggested_filename
    download.save_as(path)
    ws = load_workbook(path).active
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0] and row[0].startswith("YY")]
    assert sorted(codes) == expected
    header = [c.value for c in ws[1]]
    col = header.index("累计完成投资（万元）")
    for row in ws.iter_rows(min_row=2, max_row=1 + len(codes)):
        assert row[col].data_type == "n"


# --- every page, in Chinese and English, on a phone and in print ------------------------------------


def test_pages_render_on_desktop_phone_and_print(new_page, plan_year, portfolio, project_a, leader):
    page = new_page()
    page.goto("/")
    assert "/accounts/login/" in page.url  # sign-in first
    screenshot(page, "login")
    sign_in(page, "leader")
    page.wait_for_function("() => Object.keys(Chart.instances).length === 2")
    assert page.locator("h1").inner_text() == plan_year.title
    assert "完成投资" in page.locator("#progress-sentence").inner_text()
    screenshot(page, "overview")
    page.goto("/projects/")
    screenshot(page, "project-list")
    page.goto(f"/projects/{portfolio[0].code}/")
    screenshot(page, "project-detail-sample")

    page.emulate_media(media="print")
    page.goto("/")
    assert not page.locator("header nav").is_visible()  # navigation is not printed
    screenshot(page, "overview-print")
    page.pdf(path=str(SCREENSHOTS / "overview-print.pdf"), format="A4", landscape=True, print_background=True)
    page.emulate_media(media="screen")

    # English, switched with the button in the header.
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "By category" in page.content()
    screenshot(page, "overview-en")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(phone, "leader")
    phone.wait_for_function("() => Object.keys(Chart.instances).length === 2")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "the overview must not scroll sideways on a phone"
    screenshot(phone, "overview-phone")
    phone.goto("/projects/")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(phone, "project-list-phone")


# --- years: the switcher in the top bar moves every page between plans ---------------------------


def test_leader_switches_years_on_every_page(new_page, plan_year, portfolio, jianglong, admin_user, leader):
    """2022 is rolled over into 2023 and adopted; the leader lands on 2023, switches the overview,
    the list and a project's page back to 2022 and sees 2022's figures there."""
    from projects.models import PlanYear
    from projects.plan_versions import plan_adopt
    from projects.rollover import rollover_apply, rollover_plan

    rollover_apply(actor=admin_user, plan=rollover_plan(from_year=plan_year, to_year=2023))
    plan_adopt(actor=admin_user, plan_year=PlanYear.objects.get(year=2023))
    page = new_page()
    sign_in(page, "leader")
    assert overview_figures(page)["year"] == 2023
    assert page.locator("#year-switcher a.active").inner_text() == "2023年"
    screenshot(page, "years-overview-2023")
    page.click("#year-switcher a:has-text('2022年')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/?year=2022")
    assert overview_figures(page) == rollup_as_json(category_rollup(plan_year=plan_year))
    screenshot(page, "years-overview-2022")
    page.goto("/projects/?q=" + jianglong.code)
    assert "80,000.00" not in row_text(page, jianglong.code)  # 2023 has no annual plan yet
    page.click("#year-switcher a:has-text('2022年')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/projects/?year=2022")
    assert "80,000.00" in row_text(page, jianglong.code)
    page.click(f"#project-table a:has-text('{jianglong.name}')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/projects/{jianglong.code}/?year=2022")
    assert page.locator("#project-years tbody tr").count() == 2
    page.click("#year-switcher a:has-text('2023年')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#year-switcher a.active").inner_text() == "2023年"
    screenshot(page, "years-project-2023")
