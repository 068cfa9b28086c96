"""The import's two write paths — set-based statements on PostgreSQL (projects/bulk_pg.py) and the
portable ORM path — write the same reports, history rows and events for the same file, and refuse
the same rows the same way."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings

from portfolio.excel.importing import import_apply
from projects import bulk, progress, services
from projects.models import ProgressReport, ProjectYearProgress, ReportEvent, ReportStatus
from tests import factories
from tests.portfolio.excel.test_import_rules import dispatch_file

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")

HEADER = ("项目代码", "填报月份", "本月完成投资", "累计形象进度（%）", "进度下降原因", "形象进度")


@pytest.fixture
def scene(plan_year, categories, unit_a, finance, reviewer):
    """Projects in every situation a monthly file meets."""
    p = [
        factories.ProjectFactory(
            plan_year=plan_year,
            category=categories[i % 6],
            responsible_unit=unit_a,
            code=f"EQ-{i:03d}",
            name=f"项目{i}",
        )
        for i in range(6)
    ]

    def report(project, month, amount, percent, status):
        r = services.report_create(
            actor=finance,
            project=project,
            year=2022,
            month=month,
            investment_completed=Decimal(amount),
            physical_percent=Decimal(percent),
        )
        if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED):
            r = services.report_submit(actor=finance, report=r)
        if status == ReportStatus.APPROVED:
            r = services.report_approve(actor=reviewer, report=r)
        if status == ReportStatus.RETURNED:
            r = services.report_return(actor=reviewer, report=r, comment="再核")
        return r

    for project in p[:2]:
        report(project, 2, 10, 40, ReportStatus.APPROVED)  # the last approved percent is 40
    report(p[2], 3, 5, 10, ReportStatus.DRAFT)
    report(p[3], 3, 6, 11, ReportStatus.RETURNED)
    report(p[4], 3, 8, 20, ReportStatus.APPROVED)
    report(p[5], 2, 1, 60, ReportStatus.APPROVED)
    progress.rebuild()  # the summary as the workflow's writes keep it
    return p


def _snapshot():
    key = {r.pk: (r.project_year_id, r.year, r.month, r.revision) for r in ProgressReport.objects.all()}
    skip = {"id", "created_at", "submitted_at", "reviewed_at"}
    reports = sorted(tuple(v for f, v in values.items() if f not in skip) for values in ProgressReport.objects.values())
    history = sorted(
        (key[h.pop("id")], *(v for f, v in sorted(h.items()) if f not in skip | {"history_id", "history_date"}))
        for h in ProgressReport.history.values()
    )
    events = sorted(
        (key[e["report_id"]], e["action"], e["actor_id"], e["from_status"], e["to_status"], e["comment"])
        for e in ReportEvent.objects.values()
    )
    summary = sorted(
        tuple(row.values()) for row in ProjectYearProgress.objects.values("project_year_id", *progress.COLUMNS)
    )
    return reports, history, events, summary


def _import(path, actor, *, set_based: bool):
    """Import, take the snapshot, then roll back so the other path starts from the same data."""
    sid = transaction.savepoint()
    with override_settings(IMPORT_SET_BASED=set_based):
        result = import_apply(data=path.read_bytes(), filename=path.name, actor=actor, reason="三月调度")
    rows = [(r.row, r.code, r.status, r.changes) for r in result.rows]
    stored = {
        row.pop("project_year_id"): row
        for row in ProjectYearProgress.objects.values("project_year_id", *progress.COLUMNS)
    }
    assert stored == progress.computed(stored)  # the summary agrees with the reports after the import
    problems = [(p.row, p.column, p.message) for p in result.problems]
    state = _snapshot()
    transaction.savepoint_rollback(sid)
    return result.applied, rows, problems, state


@pytest.mark.parametrize("chunk", [None, 2])  # either write taking 2 rows at a time
def test_both_paths_write_the_same_reports_history_and_events(tmp_path, scene, finance, chunk, monkeypatch):
    from projects import bulk_pg

    if chunk:
        monkeypatch.setattr(bulk_pg, "CHUNK", chunk)
        monkeypatch.setattr(bulk, "PORTABLE_CHUNK", chunk)
    path = dispatch_file(
        tmp_path / "d.xlsx",
        [
            (scene[0].code, "2022-03", 12, 50, "", "主体施工"),  # new
            (scene[1].code, "2022-03", 3, 30, "设计变更", ""),  # new, the percent falls with a reason
            (scene[2].code, "2022-03", 7, 12, "", "路基"),  # a draft changed
            (scene[3].code, "2022-03", 6, 15, "", ""),  # a returned report corrected
            (scene[4].code, "2022-03", 8, 20, "", ""),  # approved, same figures: untouched
            (scene[5].code, "2022-03", "", "", "", ""),  # listed with nothing reported
            (scene[5].code, "2022-04", 2, 65, "", "完工"),  # new, a month after an approved one
        ],
        header=HEADER,
    )
    set_based = _import(path, finance, set_based=True)
    portable = _import(path, finance, set_based=False)
    assert set_based[0] and portable[0]
    assert [r[2] for r in set_based[1]] == ["new", "new", "changed", "changed", "unchanged", "new"]
    assert set_based == portable
    reports, history, events, summary = set_based[3]
    assert len(summary) == 6
    assert len(reports) == 9
    imported = [e[1:] for e in events if e[1] == "import"]
    assert sorted(imported) == sorted(
        [("import", finance.pk, "", "draft", "三月调度")] * 3
        + [
            ("import", finance.pk, "draft", "draft", "三月调度"),
            ("import", finance.pk, "returned", "returned", "三月调度"),
        ]
    )
    assert sum(1 for h in history if "三月调度" in h) == 5


def test_both_paths_refuse_the_same_rows(tmp_path, scene, finance):
    path = dispatch_file(
        tmp_path / "d.xlsx",
        [
            (scene[0].code, "2022-03", 12, 30, "", ""),  # below the approved 40 without a reason
            (scene[4].code, "2022-03", 9, 20, "", ""),  # changes an approved report
            ("NO-SUCH", "2022-03", 1, 1, "", ""),
            (scene[2].code, "2022-03", 7, 12, "", ""),
            (scene[2].code, "2022-03", 7, 12, "", ""),  # twice
        ],
        header=HEADER,
    )
    before = _snapshot()
    set_based = _import(path, finance, set_based=True)
    portable = _import(path, finance, set_based=False)
    assert not set_based[0] and set_based == portable
    assert [p[0] for p in set_based[2]] == [2, 3, 4, 6]
    assert set_based[3] == before  # nothing written


def test_the_setting_picks_the_path(settings):
    settings.IMPORT_SET_BASED = False
    assert not bulk.set_based_default()
    settings.IMPORT_SET_BASED = True
    assert bulk.set_based_default() == (connection.vendor == "postgresql")
