"""Has the data the pages show changed? One query answers it: `data_token()`.

Every table of the tracked apps (the domain, the dispatch ledger, accounts and groups: what a page
shows or who may see it) carries a database trigger that gives `DataVersion.token` a new random
value in the same transaction as the write. A save in the admin, the monthly import's set-based
statements, a management command or raw SQL all change it alike; nothing in Python has to
remember to. The pages' cache (page_cache.py) keeps fragments under the token, so a fragment is
never served after a commit that could change it.

- PostgreSQL: a statement-level trigger notes the writing transaction once (one row in
  `portfolio_datachange`, no lock on a shared row), and a deferred constraint trigger on that row
  sets the token at COMMIT. A write holds the version row only for its own commit, so concurrent
  writers do not queue behind a long import, and cannot deadlock on it. (The tests, which never
  commit, count write statements in a sequence instead: _PG_AT_WRITE.)
- SQLite (one writer at a time anyway, and no statement-level triggers): a row-level trigger.

Random, not a counter: after a rolled-back transaction or a restored backup, a counter could
come back to a number whose cached fragments showed other data; a random token never repeats.

Readers take the token *before* they read the data: a fragment built while another transaction
commits then holds data at least as new as its key, never older.

The migration (portfolio 0006) creates the version row, the functions and the triggers; after
every `migrate` (post_migrate) the triggers are installed again where missing (a table added
since, or one SQLite rebuilt to alter it), and the token changes.
"""

from django.conf import settings
from django.db import connections

from .models import DataVersion

# Every table of these apps, but the history tables (simple-history writes them with the row
# they record, which has its own trigger).
TRACKED_APPS = ("auth", "projects", "dispatch")
# Columns whose updates change nothing a page shows: signing in sets last_login, and must not
# empty every user's cache.
UNTRACKED_COLUMNS = ("last_login", "password")
TRIGGER = "portfolio_data_changed"


def data_token(using: str = "default") -> str | None:
    """The current token (one query); None when the row is missing (a database being set up), when
    nothing may be cached."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return DataVersion.objects.using(using).filter(pk=1).values_list("token", flat=True).first()
    if connection.vendor != "postgresql":
        return None  # no triggers are installed there: the token would never change
    with connection.cursor() as cursor:
        cursor.execute(_PG_TOKEN)
        row = cursor.fetchone()
    return row[0] if row else None


def tracked_tables(apps) -> dict[str, list[str] | None]:
    """The tables whose writes change the token, from an app registry (the project's, or a
    migration's historical one): each with the columns whose updates count (None: all of them)."""
    tables = {}
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed or opts.swapped:
                continue
            if model.__name__.startswith("Historical"):
                continue
            columns = [f.column for f in opts.concrete_fields]
            counted = [c for c in columns if c not in UNTRACKED_COLUMNS]
            tables[opts.db_table] = None if counted == columns else counted
    return dict(sorted(tables.items()))


_PG_SETUP = (
    "CREATE TABLE IF NOT EXISTS portfolio_datachange (txid bigint PRIMARY KEY)",
    "CREATE SEQUENCE IF NOT EXISTS portfolio_datachange_seq",
    """CREATE OR REPLACE FUNCTION portfolio_new_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO portfolio_dataversion (id, token) VALUES (1, gen_random_uuid()::text)
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
      DELETE FROM portfolio_datachange WHERE txid = NEW.txid;
      RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS portfolio_new_data_version ON portfolio_datachange",
)
# Production (settings.DATA_TOKEN_AT_COMMIT): the writing transaction is noted once and the token
# set at its COMMIT, as the module's docstring says.
_PG_AT_COMMIT = (
    """CREATE OR REPLACE FUNCTION portfolio_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO portfolio_datachange (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER portfolio_new_data_version AFTER INSERT ON portfolio_datachange
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portfolio_new_data_version()""",
)
# The tests: their transactions are rolled back, never committed, yet a page read after a write in
# them must not come from the cache. Each write statement takes the next number of a sequence, which
# data_token() adds to the token: no row is updated (thousands of updates of one row inside one
# transaction make each later one walk every earlier version), and the numbers never come back
# after a rollback (the tests' cache is emptied before each test, see tests/conftest.py).
_PG_AT_WRITE = (
    """CREATE OR REPLACE FUNCTION portfolio_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM nextval('portfolio_datachange_seq');
      RETURN NULL;
    END $$""",
)
_PG_TOKEN = (
    "SELECT token || ':' || (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM portfolio_datachange_seq) "
    "FROM portfolio_dataversion WHERE id = 1"
)
_PG_TEARDOWN = (
    "DROP TABLE IF EXISTS portfolio_datachange",
    "DROP SEQUENCE IF EXISTS portfolio_datachange_seq",
    "DROP FUNCTION IF EXISTS portfolio_new_data_version()",
    "DROP FUNCTION IF EXISTS portfolio_note_change() CASCADE",  # and every table's trigger
)
_SQLITE_OPS = ("INSERT", "UPDATE", "DELETE")
# Plain statements: in a trigger, SQLite applies the firing statement's ON CONFLICT (an upsert's)
# to the trigger's own, so no OR REPLACE or upsert here.
_SQLITE_NEW_TOKEN = (
    "INSERT INTO portfolio_dataversion (id, token) SELECT 1, '' "
    "WHERE NOT EXISTS (SELECT 1 FROM portfolio_dataversion WHERE id = 1); "
    "UPDATE portfolio_dataversion SET token = lower(hex(randomblob(16))) WHERE id = 1"
)


def _update(columns: list[str] | None, quote) -> str:
    return "UPDATE" if columns is None else "UPDATE OF " + ", ".join(quote(c) for c in columns)


def _statements(vendor: str, quote, tables: dict[str, list[str] | None], at_commit: bool) -> list[str]:
    if vendor == "postgresql":
        return [*_PG_SETUP, *(_PG_AT_COMMIT if at_commit else _PG_AT_WRITE)] + [
            f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR {_update(columns, quote)} OR DELETE OR TRUNCATE "
            f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION portfolio_note_change()"
            for table, columns in tables.items()
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {quote(f'{TRIGGER}_{op.lower()}_{table}')} "
            f"AFTER {_update(columns, quote) if op == 'UPDATE' else op} ON {quote(table)} "
            f"BEGIN {_SQLITE_NEW_TOKEN}; END"
            for table, columns in tables.items()
            for op in _SQLITE_OPS
        ]
    return []  # another database: no triggers, and data_token() is None there (nothing is cached)


def install(connection, tables: dict[str, list[str] | None], at_commit: bool | None = None) -> None:
    """Create the triggers on `tables` where missing (idempotent), then change the token."""
    if at_commit is None:
        at_commit = settings.DATA_TOKEN_AT_COMMIT
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, connection.ops.quote_name, tables, at_commit):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO portfolio_dataversion (id, token) VALUES (1, gen_random_uuid()::text) "
                "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token"
            )
        elif connection.vendor == "sqlite":
            for sql in _SQLITE_NEW_TOKEN.split("; "):
                cursor.execute(sql)


def uninstall(connection, tables: dict[str, list[str] | None]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in _PG_TEARDOWN:
                cursor.execute(sql)
        elif connection.vendor == "sqlite":
            for table in tables:
                for op in _SQLITE_OPS:
                    name = connection.ops.quote_name(f"{TRIGGER}_{op.lower()}_{table}")
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def installed_tables(connection) -> set[str]:
    """The tables that carry the trigger now (for the test that every tracked table does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [TRIGGER],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"])
        found: dict[str, int] = {}
        for (table,) in cursor.fetchall():
            found[table] = found.get(table, 0) + 1
        return {table for table, n in found.items() if n == len(_SQLITE_OPS)}


def reinstall_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """post_migrate: the triggers on every tracked table that exists now (a table added by a later
    migration, or rebuilt by SQLite to alter it, has lost or never had its trigger)."""
    from django.apps import apps as global_apps

    connection = connections[using]
    registry = apps or global_apps
    try:
        registry.get_model("portfolio", "DataVersion")
    except LookupError:  # migrated back before the version existed
        return
    existing = set(connection.introspection.table_names())
    if "portfolio_dataversion" not in existing:
        return
    install(connection, {t: c for t, c in tracked_tables(registry).items() if t in existing})
