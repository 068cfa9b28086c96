"""The problem journey in a real browser: an office raises a problem with its monthly report, the
reviewer approves the report and hands the problem to a unit with a deadline, the unit reports it
solved, the reviewer closes it (销号). Screenshots of the ledger's pages at desktop and phone width."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.models import Problem, ProblemState
from projects import services
from projects.models import ReportStatus
from tests.e2e.conftest import SCREENSHOTS, screenshot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_office_raises_reviewer_hands_out_unit_solves_reviewer_closes(
    new_page, plan_year, portfolio, project_a, office_a, reviewer, leader
):
    leader.first_name, leader.last_name = "明", "王"
    leader.save()
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=9,
        investment_completed="300.00",
        physical_percent="40",
        problems="K12+300段征地拆迁未完成，影响路基施工",
    )
    report = services.report_submit(actor=office_a, report=report)

    office = new_page()
    sign_in(office, "office_a", next_url=reverse("admin:index"))
    office.goto(reverse("admin:projects_progressreport_change", args=[report.pk]))
    office.click("#raise-problem-from-report")
    office.wait_for_load_state("networkidle")
    assert "K12+300" in office.input_value("#id_description")
    office.select_option("#id_type", "demolition")
    screenshot(office, "problems-raise-desktop")
    office.click("#raise-form button[type=submit]")
    office.wait_for_load_state("networkidle")
    problem = Problem.objects.get()
    assert problem.report_id == report.pk and problem.state == ProblemState.RAISED

    review = new_page()
    sign_in(review, "reviewer", next_url=reverse("admin:index"))
    review.goto(reverse("admin:projects_progressreport_change", args=[report.pk]))
    review.click("[name=_approve]")
    review.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    review.goto("/problems/")
    assert review.locator("#count-raised").inner_text().strip() == "1"
    review.click(f"#problem-table a[href='/problems/{problem.pk}/'] >> nth=0")
    review.wait_for_load_state("networkidle")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    review.select_option("#step-assign select[name=leader]", str(leader.pk))
    review.fill("#step-assign input[name=deadline]", deadline.isoformat())
    review.fill("#step-assign textarea[name=comment]", "请县交通局牵头，10日内完成")
    review.click("#step-assign button[type=submit]")
    review.wait_for_load_state("networkidle")
    screenshot(review, "problems-detail-assigned-desktop")
    problem.refresh_from_db()
    assert (problem.state, problem.leader_id, problem.deadline) == (
        ProblemState.ASSIGNED,
        leader.pk,
        deadline,
    )

    office.goto(f"/problems/{problem.pk}/")
    office.fill("#step-solve textarea[name=resolution]", "已完成征地补偿，用地已交付施工单位")
    office.click("#step-solve button[type=submit]")
    office.wait_for_load_state("networkidle")
    problem.refresh_from_db()
    assert problem.state == ProblemState.SOLVED
    assert office.locator("#step-close").count() == 0  # only a reviewer closes

    review.goto(f"/problems/{problem.pk}/")
    review.fill("#step-close textarea[name=comment]", "现场核实无误")
    review.click("#step-close button[type=submit]")
    review.wait_for_load_state("networkidle")
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert "销号" in review.locator("#problem-events").inner_text()
    screenshot(review, "problems-detail-closed-desktop")


def test_screenshots_of_the_ledger(
    new_page,
    plan_year,
    portfolio,
    project_a,
    project_b,
    office_a,
    office_b,
    reviewer,
    leader,
):
    from dispatch import services as dispatch_services

    today = timezone.localdate()
    for project, office, text in [
        (project_a, office_a, "施工便道用地未批复"),
        (project_b, office_b, "中央预算内资金未到位"),
    ]:
        problem = dispatch_services.problem_raise(actor=office, project=project, type="land", description=text)
        dispatch_services.problem_assign(
            actor=reviewer,
            problem=problem,
            unit=project.responsible_unit,
            leader=leader,
            deadline=today + datetime.timedelta(days=5),
        )
    Problem.objects.filter(project=project_b).update(deadline=today - datetime.timedelta(days=3))
    dispatch_services.problem_raise(actor=office_a, project=project_a, type="approval", description="环评批复待办")
    for width, viewport in [
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", PHONE),
    ]:
        page = new_page(viewport=viewport)
        sign_in(page, "reviewer")
        page.goto("/problems/")
        assert page.locator("#count-overdue").inner_text().strip() == "1"
        screenshot(page, f"problems-list-{width}")
        page.goto(f"/problems/{Problem.objects.filter(project=project_b).get().pk}/")
        screenshot(page, f"problems-detail-{width}")
        page.goto("/problems/new/")
        screenshot(page, f"problems-raise-{width}")
        page.goto("/")
        assert page.locator("#open-problems").is_visible()
        page.locator("#open-problems").screenshot(path=str(SCREENSHOTS / f"overview-open-problems-{width}.png"))
        page.goto(f"/projects/{project_b.code}/")
        screenshot(page, f"project-open-problems-{width}")


def test_a_leader_opens_my_projects(
    new_page,
    plan_year,
    portfolio,
    project_a,
    project_b,
    office_a,
    reviewer,
    leader,
    unit_a,
):
    from dispatch import services as dispatch_services

    leader.last_name, leader.first_name, leader.phone = "王", "明", "13800000001"
    leader.save()
    unit_a.contact_person, unit_a.contact_phone = "张伟", "023-55123456"
    unit_a.save()
    dispatch_services.project_set_leaders(actor=reviewer, project=project_a, leaders=[leader])
    problem = dispatch_services.problem_raise(
        actor=office_a,
        project=project_a,
        type="funding",
        description="中央预算内资金未到位",
    )
    dispatch_services.problem_assign(
        actor=reviewer,
        problem=problem,
        unit=unit_a,
        leader=leader,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    for width, viewport in [
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", PHONE),
    ]:
        page = new_page(viewport=viewport)
        sign_in(page, "leader")
        page.click("#nav-my")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/my/")
        assert project_a.name in page.locator("#my-projects").inner_text()
        assert "023-55123456" in page.locator("#my-projects").inner_text()
        assert "中央预算内资金未到位" in page.locator("#my-problems").inner_text()
        screenshot(page, f"my-projects-{width}")
        page.goto(f"/projects/{project_a.code}/")
        assert "13800000001" in page.locator("#project-leaders").inner_text()
        screenshot(page, f"project-leaders-{width}")


def test_an_office_overview_says_its_unit(new_page, plan_year, portfolio, office_a):
    for width, viewport in [
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", PHONE),
    ]:
        page = new_page(viewport=viewport)
        sign_in(page, "office_a")
        assert "县交通局" in page.locator("#office-scope").inner_text()
        screenshot(page, f"overview-office-{width}")


def test_work_queues_and_the_review_page(new_page, plan_year, portfolio, project_a, office_a, reviewer):
    from tests.projects.admin_support import make_report

    approved = make_report(
        project_a,
        office_a,
        month=7,
        amount="100.00",
        percent="10",
        status=ReportStatus.APPROVED,
        reviewer=reviewer,
    )
    assert approved.status == ReportStatus.APPROVED
    # One month claiming 75 % of the year's plan, and the works' percent jumping 40 points.
    report = services.report_create(
        actor=office_a,
        project=project_a,
        year=2022,
        month=8,
        investment_completed=project_a.years.get().annual_plan * 3 / 4,
        physical_percent="50",
        physical_narrative="路基完成",
    )
    services.report_submit(actor=office_a, report=report)
    for width, viewport in [
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", PHONE),
    ]:
        page = new_page(viewport=viewport)
        sign_in(page, "reviewer")
        assert page.locator("#queue-review .n").inner_text().strip() == "1"
        page.locator("#work-queue").screenshot(path=str(SCREENSHOTS / f"queue-reviewer-{width}.png"))
        page.click("#queue-review")
        page.wait_for_load_state("networkidle")
        assert page.locator(f"#review-{report.pk} .check-month_share").is_visible()
        assert page.locator(f"#review-{report.pk} .check-percent_jump").is_visible()
        screenshot(page, f"review-{width}")
    page.fill(f"#comment-{report.pk}", "单月投资占年度计划75%，请附支付凭证")
    page.click(f"#review-{report.pk} button[name=_return]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    office = new_page()
    sign_in(office, "office_a")
    assert office.locator("#queue-returned .n").inner_text().strip() == "1"
    office.locator("#work-queue").screenshot(path=str(SCREENSHOTS / "queue-office-desktop.png"))
    office.goto(reverse("admin:projects_progressreport_change", args=[report.pk]))
    assert "请附支付凭证" in office.locator("#return-comment").inner_text()
    screenshot(office, "admin-returned-report-comment-on-top")


def test_rankings_page(new_page, plan_year, portfolio, reviewer):
    for width, viewport in [
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", PHONE),
    ]:
        page = new_page(viewport=viewport)
        sign_in(page, "reviewer")
        page.click("#nav-rankings")
        page.wait_for_load_state("networkidle")
        assert "完成率" in page.locator("#ranking-rule").inner_text()
        assert page.locator("#ranking-units tbody tr").count() == 2
        screenshot(page, f"rankings-{width}")
