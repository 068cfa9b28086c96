"""Issue 12: the progress summary, one row per project-year, filled from the existing reports."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    # The same computation the app uses (projects.progress), run on this migration's models.
    from projects.progress import fill_from_migration

    fill_from_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0011_drop_leader_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectYearProgress",
            fields=[
                (
                    "project_year",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="progress",
                        serialize=False,
                        to="projects.projectyear",
                        verbose_name="project in the plan",
                    ),
                ),
                ("completed_m01", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m01", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m01", models.PositiveSmallIntegerField(default=0)),
                ("completed_m02", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m02", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m02", models.PositiveSmallIntegerField(default=0)),
                ("completed_m03", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m03", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m03", models.PositiveSmallIntegerField(default=0)),
                ("completed_m04", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m04", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m04", models.PositiveSmallIntegerField(default=0)),
                ("completed_m05", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m05", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m05", models.PositiveSmallIntegerField(default=0)),
                ("completed_m06", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m06", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m06", models.PositiveSmallIntegerField(default=0)),
                ("completed_m07", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m07", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m07", models.PositiveSmallIntegerField(default=0)),
                ("completed_m08", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m08", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m08", models.PositiveSmallIntegerField(default=0)),
                ("completed_m09", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m09", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m09", models.PositiveSmallIntegerField(default=0)),
                ("completed_m10", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m10", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m10", models.PositiveSmallIntegerField(default=0)),
                ("completed_m11", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m11", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m11", models.PositiveSmallIntegerField(default=0)),
                ("completed_m12", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=14)),
                ("percent_m12", models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ("on_time_m12", models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                "verbose_name": "progress of a project in a year's plan",
                "verbose_name_plural": "progress of projects in a year's plan",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
