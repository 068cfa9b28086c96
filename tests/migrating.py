"""Moving the test database to a migration and back, for the tests of data migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portfolio import freshness


def migrate_to(targets):
    """Migrate (forwards or backwards) to `targets`; the apps of that state, for its models."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    apps = executor.loader.project_state(targets).apps
    # As `migrate` does after it (post_migrate): the data token's triggers on the tables of that
    # state — SQLite rebuilds a table to alter it, and the rebuilt table has lost its trigger.
    freshness.reinstall_after_migrate(sender=None, apps=apps)
    return apps


def latest():
    """Every app's newest migration: where a test that rewound must leave the database."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
