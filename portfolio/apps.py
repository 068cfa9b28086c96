from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("项目总览")

    def ready(self):
        # Connects delete_file_with_job wherever a job is deleted (a shell, a command), not only
        # where a view happened to import the module.
        from . import jobs  # noqa: F401
