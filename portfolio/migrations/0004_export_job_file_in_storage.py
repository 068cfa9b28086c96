"""ExportJob's finished file moves from a bytea column (read whole into memory to be stored and
to be served) to Django's default storage. The files of jobs already done are copied over one job
at a time before the column is dropped."""

import uuid

from django.core.files.base import ContentFile
from django.db import migrations, models


def copy_files(apps, schema_editor):
    ExportJob = apps.get_model("portfolio", "ExportJob")
    done = ExportJob.objects.filter(status="done", data__isnull=False)
    for pk in done.values_list("pk", flat=True).iterator():
        job = ExportJob.objects.get(pk=pk)
        job.file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(bytes(job.data)), save=False)
        ExportJob.objects.filter(pk=pk).update(file=job.file.name)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0003_export_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="file",
            field=models.FileField(
                blank=True, editable=False, max_length=255, upload_to="exports/%Y/%m/", verbose_name="file"
            ),
        ),
        migrations.RunPython(copy_files, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="exportjob",
            name="data",
        ),
    ]
