from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project package as an app, only so its signal receivers are connected at start-up."""

    name = "config"
    label = "site_config"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.sessions import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="config.sessions.stamp_sign_in")
