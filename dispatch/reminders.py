"""The reminders `send_reminders` mails: to each office, its unit's reports missing or returned for
the month and the problems it has let pass their deadline; to each linked leader, a digest of their
projects that need attention and their overdue problems. Built here as plain messages, sent by
Django's mail backend (the console unless SMTP is configured)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.formatting import points
from projects.models import ProjectYear, ReportStatus, ResponsibleUnit, User
from projects.roles import Role
from projects.selectors import Flag, current_period, missing_reports, project_list

from .models import OPEN_FOR_UNIT, Problem
from .selectors import person, problems_with_status


@dataclass
class Reminder:
    to: list[str]
    subject: str
    body: str
    recipient: str  # who, for --dry-run


def _office_accounts(unit) -> list[User]:
    return list(
        User.objects.filter(unit=unit, groups__name=Role.OFFICE, is_active=True).exclude(email="").order_by("username")
    )


def _problem_line(p) -> str:
    return _("- %(project)s: %(problem)s (due %(deadline)s)") % {
        "project": p.project.name,
        "problem": p.description[:60],
        "deadline": p.deadline.isoformat(),
    }


def build(*, plan_year, month: int | None = None) -> list[Reminder]:
    period = current_period(plan_year, month)
    today = timezone.localdate()
    missing = list(missing_reports(plan_year=plan_year, month=period.month))
    overdue = list(
        problems_with_status(Problem.objects.filter(state__in=OPEN_FOR_UNIT), as_of=today)
        .filter(overdue=True)
        .order_by("deadline")
    )
    reminders = []
    for unit in ResponsibleUnit.objects.order_by("name"):
        unit_missing = [r for r in missing if r.project.responsible_unit_id == unit.pk]
        unit_overdue = [p for p in overdue if p.unit_id == unit.pk]
        if not unit_missing and not unit_overdue:
            continue
        accounts = _office_accounts(unit)
        if not accounts:
            continue
        lines = [
            _("%(unit)s, for %(year)s-%(month)s:") % {"unit": unit.name, "year": period.year, "month": period.month}
        ]
        not_filed = [r for r in unit_missing if r.draft_status != ReportStatus.RETURNED]
        returned = [r for r in unit_missing if r.draft_status == ReportStatus.RETURNED]
        if not_filed:
            lines += [
                "",
                _("Reports not yet submitted (%(n)s):") % {"n": len(not_filed)},
            ]
            lines += [f"- {r.project.name}（{r.project.code}）" for r in not_filed]
        if returned:
            lines += [
                "",
                _("Reports returned, to correct and submit again (%(n)s):") % {"n": len(returned)},
            ]
            lines += [f"- {r.project.name}（{r.project.code}）" for r in returned]
        if unit_overdue:
            lines += [
                "",
                _("Problems past their deadline (%(n)s):") % {"n": len(unit_overdue)},
            ]
            lines += [_problem_line(p) for p in unit_overdue]
        reminders.append(
            Reminder(
                to=[u.email for u in accounts],
                recipient=unit.name,
                body="\n".join(lines),
                subject=_("[Dispatch] %(unit)s: %(n)s reports due, %(m)s problems overdue")
                % {"unit": unit.name, "n": len(unit_missing), "m": len(unit_overdue)},
            )
        )
    leaders = User.objects.filter(groups__name=Role.LEADER, is_active=True).exclude(email="").order_by("username")
    for leader in leaders:
        rows = list(
            project_list(
                plan_year=plan_year,
                period=period,
                qs=ProjectYear.objects.filter(project__leaders=leader),
            ).filter(flag=Flag.RED)
        )
        theirs = [p for p in overdue if p.leader_id == leader.pk]
        if not rows and not theirs:
            continue
        lines = [
            _("%(name)s, your linked projects for %(year)s-%(month)s:")
            % {"name": person(leader), "year": period.year, "month": period.month}
        ]
        if rows:
            lines += ["", _("Projects that need attention (%(n)s):") % {"n": len(rows)}]
            lines += [
                _("- %(project)s: %(points)s points behind 序时进度")
                % {
                    "project": r.project.name,
                    "points": points(r.behind_schedule_points),
                }
                for r in rows
            ]
        if theirs:
            lines += [
                "",
                _("Problems you coordinate that are past their deadline (%(n)s):") % {"n": len(theirs)},
            ]
            lines += [_problem_line(p) for p in theirs]
        reminders.append(
            Reminder(
                to=[leader.email],
                recipient=person(leader),
                body="\n".join(lines),
                subject=_("[Dispatch] your projects: %(n)s need attention, %(m)s problems overdue")
                % {"n": len(rows), "m": len(theirs)},
            )
        )
    return reminders


def send(reminders: list[Reminder]) -> int:
    for r in reminders:
        EmailMessage(
            subject=r.subject,
            body=r.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=r.to,
        ).send()
    return len(reminders)
