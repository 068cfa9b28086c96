"""Work queues on landing and the reviewer's context: the counts each role sees, the review
queue's figures and flags on crafted reports (the threshold a setting), the decision on a flagged
report recorded, and a returned report opening with the reviewer's comment on top."""

from decimal import Decimal

import pytest

from dispatch import services, views
from dispatch.models import ReviewDecision
from dispatch.review import Check, review_queue
from projects.models import ProgressReport, ReportStatus
from projects.selectors import Flag
from tests.factories import ProjectFactory
from tests.projects.admin_support import make_report

from .conftest import assigned, raised

D = Decimal


@pytest.fixture
def plan_1000(plan_year, categories, unit_a):
    """A project with 1000 万元 planned for 2022, nothing reported."""
    return ProjectFactory(
        plan_year=plan_year,
        category=categories[0],
        responsible_unit=unit_a,
        code="YY2022-TST-900",
        name="测试公路",
        annual_plan=D("1000.00"),
    )


def submit(project, office, *, month, amount, percent):
    from projects import services as report_services

    report = make_report(project, office, month=month, amount=amount, percent=percent)
    return report_services.report_submit(actor=office, report=report)


def approve(project, office, reviewer, *, month, amount, percent):
    return make_report(
        project,
        office,
        month=month,
        amount=amount,
        percent=percent,
        status=ReportStatus.APPROVED,
        reviewer=reviewer,
    )


def item_for(report):
    (item,) = review_queue(ProgressReport.objects.filter(pk=report.pk))
    return item


def test_context_before_and_after(plan_1000, office_a, reviewer):
    approve(plan_1000, office_a, reviewer, month=7, amount="300.00", percent="30")
    approve(plan_1000, office_a, reviewer, month=8, amount="200.00", percent="40")
    report = submit(plan_1000, office_a, month=9, amount="250.00", percent="50")
    item = item_for(report)
    assert (item.annual_plan, item.ytd_before, item.ytd_after) == (
        D("1000.00"),
        D("500.00"),
        D("750.00"),
    )
    assert item.last_percent == D("40.00") and item.month_share == D("25.00")
    # Month 9: 75 % elapsed. Before: 50 % done, 25 points behind (yellow); after: 75 %, on track.
    assert (item.flag_now, item.flag_after) == (Flag.YELLOW, Flag.GREEN)
    assert item.checks == []


@pytest.mark.parametrize(
    "amount, percent, expected",
    [
        (
            "750.00",
            "45",
            [Check.MONTH_SHARE, Check.OVER_PLAN],
        ),  # 75 % of the plan in one month, YTD 1250 > 1000
        ("100.00", "40", [Check.MONEY_WITHOUT_PROGRESS]),  # money, percent unchanged
        ("0.00", "45", [Check.PROGRESS_WITHOUT_MONEY]),  # percent moves, no money
        ("100.00", "70", [Check.PERCENT_JUMP]),  # 40 → 70: 30 points
        ("100.00", "45", []),
    ],
)
def test_plausibility_flags_on_crafted_reports(plan_1000, office_a, reviewer, amount, percent, expected):
    approve(plan_1000, office_a, reviewer, month=8, amount="500.00", percent="40")
    report = submit(plan_1000, office_a, month=9, amount=amount, percent=percent)
    assert item_for(report).check_codes == expected


def test_the_thresholds_are_settings(settings, plan_1000, office_a, reviewer):
    report = submit(plan_1000, office_a, month=9, amount="250.00", percent="10")
    assert Check.MONTH_SHARE not in item_for(report).check_codes  # 25 % ≤ 30 %
    settings.DISPATCH_FLAG_MONTH_SHARE = D("20")
    assert Check.MONTH_SHARE in item_for(report).check_codes


def test_a_flagged_approval_is_recorded_an_unflagged_one_is_not(plan_1000, project_a, office_a, reviewer):
    flagged = submit(plan_1000, office_a, month=9, amount="750.00", percent="10")
    services.review_decide(actor=reviewer, report=flagged, approve=True, comment="已核实合同支付凭证")
    decision = ReviewDecision.objects.get()
    assert (
        decision.report_id,
        decision.decision,
        decision.actor,
        decision.comment,
    ) == (flagged.pk, ReviewDecision.Decision.APPROVED, reviewer, "已核实合同支付凭证")
    assert decision.flags == [Check.MONTH_SHARE]
    plain = submit(project_a, office_a, month=9, amount="100.00", percent="10")
    services.review_decide(actor=reviewer, report=plain, approve=True)
    assert ReviewDecision.objects.count() == 1
    plain.refresh_from_db()
    assert plain.status == ReportStatus.APPROVED


def test_returning_from_the_queue_needs_a_comment_and_records_it(plan_1000, office_a, reviewer):
    from django.core.exceptions import ValidationError

    flagged = submit(plan_1000, office_a, month=9, amount="750.00", percent="10")
    with pytest.raises(ValidationError):
        services.review_decide(actor=reviewer, report=flagged, approve=False, comment="")
    assert ReviewDecision.objects.count() == 0
    services.review_decide(
        actor=reviewer,
        report=flagged,
        approve=False,
        comment="单月投资过大，请附支付凭证",
    )
    assert ReviewDecision.objects.get().decision == ReviewDecision.Decision.RETURNED


def test_an_office_cannot_use_the_queue(client, plan_1000, office_a):
    report = submit(plan_1000, office_a, month=9, amount="100.00", percent="10")
    client.force_login(office_a)
    assert client.get("/review/").status_code == 403
    assert client.post(f"/review/{report.pk}/", {"_approve": "1"}).status_code == 403


def test_the_review_page(
    client,
    plan_1000,
    project_b,
    office_a,
    office_b,
    reviewer,
    django_assert_max_num_queries,
):
    submit(plan_1000, office_a, month=9, amount="750.00", percent="10")
    submit(project_b, office_b, month=9, amount="100.00", percent="10")
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):  # session, user, groups, the queue, the standing (one month)
        page = client.get("/review/")
    assert len(page.context["items"]) == 2
    html = page.content.decode()
    assert "check-month_share" in html and "750.00" in html


def test_landing_queues(client, plan_1000, project_a, project_b, office_a, office_b, reviewer, unit_a):
    submit(plan_1000, office_a, month=9, amount="100.00", percent="10")
    make_report(project_a, office_a, month=9, status=ReportStatus.RETURNED, reviewer=reviewer)
    raised(project_b, office_b)
    assigned(project_a, office_a, reviewer)
    client.force_login(reviewer)
    queue = client.get("/").context["queue"]
    assert (queue["to_review"], queue["to_assign"], queue["to_confirm"]) == (1, 1, 0)
    client.force_login(office_a)
    queue = client.get("/").context["queue"]
    # Month 9: plan_1000 submitted (reported); project_a returned (not reported).
    assert (queue["missing"], queue["returned"], queue["to_fix"]) == (1, 1, 1)
    client.force_login(office_b)
    assert client.get("/").context["queue"]["missing"] == 1


def test_a_returned_report_opens_with_the_comment_on_top(client, project_a, office_a, reviewer):
    report = make_report(project_a, office_a, month=9, status=ReportStatus.RETURNED, reviewer=reviewer)
    client.force_login(office_a)
    html = client.get(f"/admin/projects/progressreport/{report.pk}/change/").content.decode()
    assert 'id="return-comment"' in html
    assert html.index('id="return-comment"') < html.index('name="investment_completed"')
    assert "补充说明" in html.split('id="return-comment"')[1][:600]


def test_the_review_page_shows_the_oldest_batch_with_the_whole_count(
    client, monkeypatch, project_a, project_b, office_a, office_b, reviewer
):
    make_report(project_a, office_a, month=1, amount="10.00", status=ReportStatus.SUBMITTED)
    make_report(project_b, office_b, month=1, amount="10.00", status=ReportStatus.SUBMITTED)
    monkeypatch.setattr(views, "REVIEW_BATCH", 1)
    client.force_login(reviewer)
    response = client.get("/review/")
    assert len(response.context["items"]) == 1 and response.context["total"] == 2
    assert 'id="review-batch"' in response.content.decode()
