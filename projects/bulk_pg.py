"""The spreadsheet import's write on PostgreSQL: set-based statements instead of row-by-row
INSERTs, a handful of statements whatever the number of rows. The file's rows go in by COPY
(psycopg formats COPY rows in C; as array parameters, Django's client-side binding would quote
every element into the statement's text):

- new reports: COPY into a scratch table, then one INSERT … SELECT … RETURNING id;
- changed reports: COPY into a scratch table, then one UPDATE … FROM it;
- their history rows ("+" and "~", as simple-history writes them): one INSERT … SELECT from the
  reports just written, so the history copies exactly what is stored;
- their events (action IMPORT): one COPY.

The rows were checked by projects.bulk.reports_check under lock in the same transaction; every
rule is applied there, once, for both paths. The columns come from the models' own fields (their
defaults and database types), so a field added to ProgressReport is written here without an edit.
tests/projects/test_bulk_paths.py imports the same file through this path and the portable one
and compares reports, history and events."""

from django.conf import settings
from django.db import connection

from . import services
from .models import ProgressReport, ReportAction, ReportEvent, ReportStatus

REPORT = ProgressReport._meta
HISTORY = ProgressReport.history.model._meta
EVENT = ReportEvent._meta
# From the file (one array each) and from the import (one value for all rows); every other column
# takes the model field's default.
_ROW_COLUMNS = ("project_year_id", "year", "month", *services.REPORT_FIELDS)
_HISTORY_OWN = {"history_date", "history_user_id", "history_change_reason", "history_type"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _cast(field) -> str:
    return field.cast_db_type(connection) or field.db_type(connection)


CHUNK = 20_000  # rows per round (scratch table, statements): the history's id array stays this size


def write(*, actor, new: list, changed: list, reason: str, now) -> None:
    with connection.cursor() as cursor:
        for start in range(0, max(len(new), len(changed)), CHUNK):
            _write(
                cursor,
                actor=actor,
                new=new[start : start + CHUNK],
                changed=changed[start : start + CHUNK],
                reason=reason,
                now=now,
            )


def _write(cursor, *, actor, new: list, changed: list, reason: str, now) -> None:
    created = _insert_new(cursor, actor=actor, new=new, now=now) if new else []
    updated = _update_changed(cursor, changed=changed) if changed else []
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _history(cursor, created, "+", actor=actor, reason=reason, now=now)
        _history(cursor, [pk for pk, _status in updated], "~", actor=actor, reason=reason, now=now)
    events = [(pk, "", ReportStatus.DRAFT) for pk in created]
    previous = {o.report.pk: o.report.status for o in changed}
    events += [(pk, previous[pk], status) for pk, status in updated]
    _events(cursor, events, actor=actor, reason=reason, now=now)


def _insert_new(cursor, *, actor, new: list, now) -> list[int]:
    """The new reports: their rows COPYed into a scratch table (psycopg formats COPY rows in C;
    ten thousand rows of array literals cost more to build and parse than to insert), then one
    INSERT … SELECT in file order."""
    fixed = {"created_by_id": actor.pk, "created_at": now}
    columns, select, params = [], [], []
    for field in REPORT.concrete_fields:
        if field.primary_key:
            continue
        columns.append(_q(field.column))
        if field.attname in _ROW_COLUMNS:
            select.append(f"v.{_q(field.column)}")
        else:
            value = fixed[field.attname] if field.attname in fixed else field.get_default()
            select.append(f"%s::{_cast(field)}")
            params.append(value)
    definitions = ["n integer"]
    for name in _ROW_COLUMNS:
        field = REPORT.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        definitions.append(f"{_q(field.column)} {_cast(field)}")
    fields = services.REPORT_FIELDS
    staged = _stage(
        cursor,
        "import_new_reports",
        definitions,
        ((n, o.project.pk, o.year, o.month, *[o.values[name] for name in fields]) for n, o in enumerate(new)),
    )
    sql = (
        f"INSERT INTO {_q(REPORT.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {staged} AS v ORDER BY v.n "
        f"RETURNING {_q(REPORT.pk.column)}, {_q('project_year_id')}, {_q('year')}, {_q('month')}"
    )
    cursor.execute(sql, params)
    ids = {(py, year, month): pk for pk, py, year, month in cursor.fetchall()}
    cursor.execute(f"DROP TABLE {staged}")
    for o in new:  # (project row, year, month) is unique among the file's new rows
        o.report_id = ids[(o.project.pk, o.year, o.month)]
    return [o.report_id for o in new]


def _stage(cursor, name: str, definitions: list[str], rows) -> str:
    """A scratch table (dropped at COMMIT at the latest) holding `rows`, written by one COPY
    (psycopg formats COPY rows in C); its quoted name, for the statement that reads it."""
    staged = _q(name)
    cursor.execute(f"CREATE TEMPORARY TABLE {staged} ({', '.join(definitions)}) ON COMMIT DROP")
    with cursor.copy(f"COPY {staged} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return staged


def _update_changed(cursor, *, changed: list) -> list[tuple[int, str]]:
    """The changed reports: their new values COPYed into a scratch table, then one UPDATE … FROM."""
    fields = [REPORT.get_field(name) for name in services.REPORT_FIELDS]
    pk = _q(REPORT.pk.column)
    staged = _stage(
        cursor,
        "import_changed_reports",
        ["pk bigint", *(f"{_q(f.column)} {_cast(f)}" for f in fields)],
        ((o.report.pk, *[o.values[f.name] for f in fields]) for o in changed),
    )
    sets = [f"{_q(f.column)} = v.{_q(f.column)}" for f in fields]
    version = _q(REPORT.get_field("version").column)
    sets.append(f"{version} = r.{version} + 1")
    sql = (
        f"UPDATE {_q(REPORT.db_table)} AS r SET {', '.join(sets)} "
        f"FROM {staged} AS v WHERE r.{pk} = v.pk RETURNING r.{pk}, r.{_q('status')}"
    )
    cursor.execute(sql)
    status = dict(cursor.fetchall())
    cursor.execute(f"DROP TABLE {staged}")
    for o in changed:
        o.report_id = o.report.pk
    return [(o.report.pk, status[o.report.pk]) for o in changed]


def _history(cursor, ids: list[int], kind: str, *, actor, reason, now) -> None:
    """The reports' history rows, copied from the stored rows as simple-history copies them from
    the instances (every tracked field; history_user, reason, date and type for the import)."""
    if not ids:
        return
    own = {"history_date": now, "history_user_id": actor.pk, "history_change_reason": reason, "history_type": kind}
    columns, select, params = [], [], []
    for field in HISTORY.concrete_fields:
        if field.primary_key:
            continue
        columns.append(_q(field.column))
        if field.attname in _HISTORY_OWN:
            select.append(f"%s::{_cast(field)}")
            params.append(own[field.attname])
        else:
            select.append(f"r.{_q(REPORT.get_field(field.name).column)}")
    sql = (
        f"INSERT INTO {_q(HISTORY.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {_q(REPORT.db_table)} AS r "
        f"JOIN unnest(%s::bigint[]) WITH ORDINALITY AS v(pk, n) ON r.{_q(REPORT.pk.column)} = v.pk ORDER BY v.n"
    )
    cursor.execute(sql, [*params, ids])


def _events(cursor, events: list[tuple], *, actor, reason, now) -> None:
    """The events, COPYed straight into their table (its id is an identity column)."""
    if not events:
        return
    columns = ("report_id", "action", "actor_id", "at", "from_status", "to_status", "comment")
    action = ReportAction.IMPORT.value
    with cursor.copy(f"COPY {_q(EVENT.db_table)} ({', '.join(map(_q, columns))}) FROM STDIN") as copy:
        for report_id, from_status, to_status in events:
            copy.write_row((report_id, action, actor.pk, now, from_status, str(to_status), reason))
