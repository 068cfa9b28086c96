"""Migration portfolio 0004 moves a finished export job's file from its database column to storage,
so a job done before the deployment can still be downloaded after it."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.models import User

BEFORE = [("portfolio", "0003_export_jobs")]
AFTER = [("portfolio", "0004_export_job_file_in_storage")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_done_jobs_files_move_to_storage():
    old = _migrate(BEFORE)
    try:
        # The users table is at its latest state (only portfolio went back): today's model writes it.
        user = User.objects.create(username="finance-x")
        jobs = old.get_model("portfolio", "ExportJob").objects
        done = jobs.create(user_id=user.pk, year=2022, status="done", filename="a.xlsx", data=b"PK\x03\x04 the file")
        failed = jobs.create(user_id=user.pk, year=2022, status="failed", filename="b.xlsx")

        new = _migrate(AFTER)
        jobs = new.get_model("portfolio", "ExportJob").objects
        moved = jobs.get(pk=done.pk)
        assert moved.file.name.startswith("exports/")
        with default_storage.open(moved.file.name, "rb") as handle:
            assert handle.read() == b"PK\x03\x04 the file"
        assert jobs.get(pk=failed.pk).file.name == ""
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
