"""Imports at the same time, on PostgreSQL (SQLite has no row locks): two imports of one monthly
file, a double click on Apply, two plan imports. One applies; the other is told plainly; never
an IntegrityError, never a phantom history row."""

import io
import threading

import pytest
from django.db import connection
from openpyxl import Workbook

from portfolio.excel.importing import import_apply
from portfolio.excel.previews import PreviewMsg, PreviewRefused, preview_apply, preview_create
from projects.models import ProgressReport, Project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIALS = 10


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")


def workbook(header, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def at_once(*calls):
    """Run the calls in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 — the test looks at whatever happened
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_imports_of_one_monthly_file(project_a, project_b, finance):
    data = workbook(
        ["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"],
        [[project_a.code, f"2022-{m:02d}", 10, 20] for m in range(1, 4)]
        + [[project_b.code, f"2022-{m:02d}", 10, 20] for m in range(1, 4)],
    )
    for trial in range(TRIALS):
        ProgressReport.objects.all().delete()
        first, second = at_once(*[lambda: import_apply(data=data, filename="d.xlsx", actor=finance)] * 2)
        assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
        news = sorted(r.counts["new"] for r in (first, second))
        # one wrote the six reports; the other found them there and changed nothing
        assert news == [0, 6], (trial, first.problems, second.problems)
        assert ProgressReport.objects.count() == 6
        assert ProgressReport.history.filter(history_type="+").count() == 6 * (trial + 1)


def test_a_double_click_on_apply(project_a, office_a):
    data = workbook(
        ["项目代码", "填报月份", "本月完成投资", "累计形象进度（%）"], [[project_a.code, "2022-03", 10, 20]]
    )
    for _trial in range(TRIALS):
        ProgressReport.objects.all().delete()
        _result, token = preview_create(actor=office_a, data=data, filename="d.xlsx")
        outcomes = at_once(*[lambda token=token: preview_apply(actor=office_a, token=token)] * 2)
        applied = [o for o in outcomes if not isinstance(o, Exception)]
        refused = [o for o in outcomes if isinstance(o, PreviewRefused)]
        assert len(applied) == 1 and applied[0].applied, outcomes
        assert [str(r.message) for r in refused] == [str(PreviewMsg.ALREADY_APPLIED)]
        assert ProgressReport.objects.count() == 1


def test_two_plan_imports_record_one_change(project_a, admin_user, finance):
    header = ["项目代码", "项目名称", "建设地点"]
    for trial in range(TRIALS):
        name = f"江龙高速（第{trial}次）"
        data = workbook(header, [[project_a.code, name, project_a.location]])
        before = Project.history.filter(id=project_a.pk).count()
        first, second = at_once(
            lambda data=data: import_apply(data=data, filename="p.xlsx", actor=admin_user),
            lambda data=data: import_apply(data=data, filename="p.xlsx", actor=finance),
        )
        assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
        assert first.ok and second.ok, (first.problems, second.problems)
        assert sorted(r.counts["changed"] for r in (first, second)) == [0, 1]
        assert Project.history.filter(id=project_a.pk).count() == before + 1
        assert Project.objects.get(pk=project_a.pk).name == name
