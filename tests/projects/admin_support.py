"""Helpers the admin and workflow tests share: reports in a given state, POST bodies built from
a row, and a snapshot of every row the admin could change (to prove a refusal wrote nothing)."""

from decimal import Decimal

from projects import services
from projects.models import Milestone, ProgressReport, Project, ProjectYear, ReportEvent, ReportStatus

ROLES = ["admin_user", "reviewer", "leader", "finance", "office_a"]


def make_report(
    project, office, *, month=3, amount="100.00", percent="10", status=ReportStatus.DRAFT, reviewer=None
) -> ProgressReport:
    report = services.report_create(
        actor=office,
        project=project,
        year=2022,
        month=month,
        investment_completed=Decimal(amount),
        physical_percent=Decimal(percent),
    )
    if status == ReportStatus.DRAFT:
        return report
    report = services.report_submit(actor=office, report=report)
    if status == ReportStatus.APPROVED:
        report = services.report_approve(actor=reviewer, report=report)
    elif status == ReportStatus.RETURNED:
        report = services.report_return(actor=reviewer, report=report, comment="补充说明")
    return report


def snapshot() -> dict:
    """Every row and history row an admin page could write."""
    return {
        "projects": list(Project.objects.order_by("pk").values()),
        "project_years": list(ProjectYear.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "reports": list(ProgressReport.objects.order_by("pk").values()),
        "milestones_met": list(ProgressReport.milestones_met.through.objects.order_by("pk").values()),
        "events": list(ReportEvent.objects.order_by("pk").values()),
        "history": (
            Project.history.count(),
            ProjectYear.history.count(),
            Milestone.history.count(),
            ProgressReport.history.count(),
        ),
    }


def _value(value):
    if value is None:
        return ""
    return getattr(value, "pk", value)


def project_post(project: Project, **changes) -> dict:
    data = {name: _value(getattr(project, name)) for name in services.PROJECT_FIELDS}
    data.update(version=project.version, change_reason="")
    data.update(changes)
    return data


def project_year_post(row: ProjectYear, **changes) -> dict:
    data = {name: _value(getattr(row, name)) for name in services.PROJECT_YEAR_FIELDS}
    data.update(version=row.version, change_reason="")
    data.update(changes)
    return data


def milestone_post(milestone: Milestone, **changes) -> dict:
    data = {name: _value(getattr(milestone, name)) for name in services.MILESTONE_FIELDS}
    if milestone.kind == "event":
        data["met_on"] = _value(milestone.met_on)
    data.update(version=milestone.version, change_reason="")
    data.update(changes)
    return data


def report_post(report: ProgressReport, **changes) -> dict:
    data = {name: _value(getattr(report, name)) for name in services.REPORT_FIELDS}
    data["milestones_met"] = [m.pk for m in report.milestones_met.all()]
    data.update(version=report.version, change_reason="")
    data.update(changes)
    return data


def new_report_post(project: Project, **changes) -> dict:
    data = {
        "project": project.pk,
        "year": 2022,
        "month": 3,
        "investment_completed": "250.00",
        "physical_percent": "20",
        "physical_narrative": "路基完成",
        "problems": "",
        "next_month_plan": "",
        "percent_drop_reason": "",
        "change_reason": "",
    }
    data.update(changes)
    return data


def change_url(obj) -> str:
    return f"/admin/projects/{obj._meta.model_name}/{obj.pk}/change/"
