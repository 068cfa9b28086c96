"""send_reminders: what each office and each linked leader is mailed (the outbox), --dry-run
sending nothing, and an office without an e-mail address skipped."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from dispatch import services
from dispatch.models import Problem
from projects.models import ReportStatus
from tests.projects.admin_support import make_report

from .conftest import assigned


@pytest.fixture
def setup(project_a, project_b, office_a, office_b, reviewer, leader):
    office_a.email, office_b.email, leader.email = (
        "jtj@example.cn",
        "slj@example.cn",
        "leader@example.cn",
    )
    for u in (office_a, office_b, leader):
        u.save()
    make_report(project_a, office_a, month=9, status=ReportStatus.RETURNED, reviewer=reviewer)
    make_report(project_b, office_b, month=9, status=ReportStatus.APPROVED, reviewer=reviewer)
    late = assigned(project_b, office_b, reviewer, leader=leader)
    Problem.objects.filter(pk=late.pk).update(deadline=datetime.date.today() - datetime.timedelta(days=2))
    services.project_set_leaders(actor=reviewer, project=project_a, leaders=[leader])


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_offices_and_leaders_get_their_reminders(setup, project_a, project_b):
    output = run("--month", "9")
    assert "3" in output
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {
        ("jtj@example.cn",),
        ("slj@example.cn",),
        ("leader@example.cn",),
    }
    jtj = by_to[("jtj@example.cn",)].body
    assert project_a.name in jtj and "退回" in jtj  # its September report was returned
    slj = by_to[("slj@example.cn",)].body
    assert project_b.name not in slj.split("逾期")[0]  # its report is in; only the overdue problem
    assert "征地拆迁滞后" in slj
    digest = by_to[("leader@example.cn",)].body
    assert project_a.name in digest  # linked, nothing approved at month 9: needs attention
    assert "征地拆迁滞后" in digest  # the problem they coordinate is overdue


def test_dry_run_lists_and_sends_nothing(setup):
    output = run("--month", "9", "--dry-run")
    assert mail.outbox == []
    assert "jtj@example.cn" in output and "leader@example.cn" in output


def test_an_office_without_email_is_skipped(setup, office_a):
    office_a.email = ""
    office_a.save()
    run("--month", "9")
    assert ("jtj@example.cn",) not in {tuple(m.to) for m in mail.outbox}


def test_a_bad_month_is_refused(setup):
    with pytest.raises(CommandError):
        run("--month", "13")
