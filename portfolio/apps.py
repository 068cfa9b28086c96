from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("项目总览")

    def ready(self):
        # Connects delete_file_with_job wherever a job is deleted (a shell, a command), not only
        # where a view happened to import the module.
        from django.db.models.signals import post_migrate

        from . import freshness, jobs  # noqa: F401

        post_migrate.connect(freshness.reinstall_after_migrate, sender=self)
