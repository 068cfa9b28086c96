from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class SiteConfig(AppConfig):
    """The project package as an app, only so its signal receivers are connected at start-up."""

    name = "config"
    label = "site_config"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.sessions import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="config.sessions.stamp_sign_in")


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with the project's site (config/admin_site.py) as admin.site."""

    default_site = "config.admin_site.AdminSite"
