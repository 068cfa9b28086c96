"""year_review writes the 执行情况 paragraph from approved data only, in the report's words."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from portfolio.review import year_review_text
from projects import services
from projects.models import Milestone, PlanYearStatus, Project


def approve(project, admin, reviewer, *, month, amount, percent, milestones=()):
    report = services.report_create(
        actor=admin,
        project=project,
        year=2022,
        month=month,
        investment_completed=Decimal(amount),
        physical_percent=Decimal(percent),
        milestones_met=list(milestones),
    )
    services.report_submit(actor=admin, report=report)
    return services.report_approve(actor=reviewer, report=report)


@pytest.fixture
def reviewed_2022(plan_2022, admin_user, reviewer):
    by_name = {
        p.name: p
        for p in Project.objects.filter(name__in=["江龙高速", "巫云开高速", "大堰滩水库", "马包圆水库", "柳园水库"])
    }
    approve(by_name["江龙高速"], admin_user, reviewer, month=11, amount="150000.00", percent="58")
    approve(by_name["巫云开高速"], admin_user, reviewer, month=11, amount="70000.00", percent="33")
    for month, name in ((9, "马包圆水库"), (10, "大堰滩水库")):  # named in the order they were met
        acceptance = Milestone.objects.get(project_year__project__name=name, event="acceptance")
        approve(
            by_name[name], admin_user, reviewer, month=month, amount="1000.00", percent="100", milestones=[acceptance]
        )
    approve(by_name["柳园水库"], admin_user, reviewer, month=12, amount="9000.00", percent="40")
    # Not approved: counts for nothing.
    services.report_create(
        actor=admin_user,
        project=by_name["柳园水库"],
        year=2022,
        month=11,
        investment_completed=Decimal("99999"),
        physical_percent=Decimal("90"),
    )
    return plan_2022


def test_year_review_says_what_the_approved_reports_say(reviewed_2022):
    text = year_review_text(reviewed_2022)
    # 150000 + 70000 + 2 × 1000 + 9000 = 231000 万元 = 23.1 亿元 of 222 亿元 planned.
    assert text.startswith("2022年实施县级重大项目165个，完成投资23.1亿元，占年度计划的10.4%。")
    assert "重大区域协调发展项目完成投资23.1亿元，占年度计划的29.6%" in text
    assert "重大产业项目完成投资0亿元，占年度计划的0%" in text
    assert "江龙高速、巫云开高速分别完成总工程量的58%、33%" in text
    assert "马包圆和大堰滩水库完成竣工验收" in text
    assert "柳园水库年度目标为完成建设主体工程量的50%，实际完成40%" in text
    assert "复兴港未按计划开工建设" in text
    assert text.index("未完成年度目标的：") > text.index("马包圆和大堰滩水库完成竣工验收")


def test_the_command_and_the_closed_years_overview_show_it(client, leader, reviewed_2022):
    out = io.StringIO()
    call_command("year_review", "--year", "2022", stdout=out)
    assert out.getvalue().strip() == year_review_text(reviewed_2022)
    client.force_login(leader)
    assert 'id="year-review"' not in client.get("/").content.decode()  # still the year being reported
    reviewed_2022.status = PlanYearStatus.CLOSED
    reviewed_2022.save()
    html = client.get("/?year=2022").content.decode()
    assert 'id="year-review"' in html
    assert "马包圆和大堰滩水库完成竣工验收" in html
    jianglong = Project.objects.get(name="江龙高速")
    assert f'href="/projects/{jianglong.code}/?year=2022"' in html  # each clause links its projects
