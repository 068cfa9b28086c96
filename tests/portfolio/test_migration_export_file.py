"""Migration portfolio 0004 moves a finished export job's file from its database column to storage,
so a job done before the deployment can still be downloaded after it."""

import pytest
from django.core.files.storage import default_storage

from projects.models import User
from tests.migrating import latest, migrate_to

BEFORE = [("portfolio", "0003_export_jobs")]
AFTER = [("portfolio", "0004_export_job_file_in_storage")]


@pytest.mark.django_db(transaction=True)
def test_done_jobs_files_move_to_storage():
    old = migrate_to(BEFORE)
    try:
        # The users table is at its latest state (only portfolio went back): today's model writes it.
        user = User.objects.create(username="finance-x")
        jobs = old.get_model("portfolio", "ExportJob").objects
        done = jobs.create(user_id=user.pk, year=2022, status="done", filename="a.xlsx", data=b"PK\x03\x04 the file")
        failed = jobs.create(user_id=user.pk, year=2022, status="failed", filename="b.xlsx")

        new = migrate_to(AFTER)
        jobs = new.get_model("portfolio", "ExportJob").objects
        moved = jobs.get(pk=done.pk)
        assert moved.file.name.startswith("exports/")
        with default_storage.open(moved.file.name, "rb") as handle:
            assert handle.read() == b"PK\x03\x04 the file"
        assert jobs.get(pk=failed.pk).file.name == ""
    finally:
        migrate_to(latest())
