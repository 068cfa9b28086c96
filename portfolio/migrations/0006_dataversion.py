"""The data version the pages' cache is kept under, and the triggers that change it with every
write to the tracked tables (portfolio/freshness.py)."""

from django.db import migrations, models

from portfolio import freshness


def install(apps, schema_editor):
    freshness.install(schema_editor.connection, freshness.tracked_tables(apps))


def uninstall(apps, schema_editor):
    freshness.uninstall(schema_editor.connection, freshness.tracked_tables(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("dispatch", "0002_review_decision"),
        ("portfolio", "0005_export_kind"),
        ("projects", "0014_field_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=36)),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data version",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="data_version_single_row")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
