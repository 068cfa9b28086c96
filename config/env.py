"""Every setting that comes from the process environment is read here, and only here."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < minimum:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a whole number ≥ {minimum}, not {raw!r}.")
    return int(raw)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Development and tests only; production refuses it (and any other weak key).
LOCAL_SECRET_KEY = "insecure-local-development-key-change-me"


def weak_secret_reason(key: str) -> str | None:
    """Why a secret key is too weak for production, or None. Django's own measure of weak
    (security.W009: under 50 characters, under 5 distinct ones, the `django-insecure-` prefix
    startproject writes) plus this repository's development key."""
    if not key:
        return "it is not set"
    if key == LOCAL_SECRET_KEY:
        return "it is the development key written in this repository"
    if key.startswith("django-insecure-"):
        return "it starts with 'django-insecure-' (a key generated for development)"
    if len(key) < 50:
        return f"it has {len(key)} characters, fewer than 50"
    if len(set(key)) < 5:
        return f"it uses {len(set(key))} different characters, fewer than 5"
    return None


DATABASE_URL = env_str("DATABASE_URL")
# Where collectstatic gathers the static files (default: staticfiles/ in the checkout).
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT")
# Where Django's default storage keeps files (the export jobs' finished files): default media/ in
# the checkout; in production a directory every application server mounts (shared storage).
MEDIA_ROOT = env_str("DJANGO_MEDIA_ROOT")
# A folder the application server's workers share for the pages' cache (else each process keeps its own).
PAGE_CACHE_DIR = env_str("DJANGO_PAGE_CACHE_DIR")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "yunyang-demo-2022")
# Reminders (send_reminders): printed to the console unless an SMTP host is given.
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "调度平台 <noreply@localhost>")


def env_path_prefix(name: str, default: str) -> str:
    """A URL prefix such as "admin/": no leading slash, one trailing slash, never empty."""
    raw = os.environ.get(name, default).strip().strip("/")
    if not raw or any(c.isspace() or c in "?#%\\" for c in raw):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a URL path such as 'admin/' (not empty, no spaces), not {raw!r}.")
    return raw + "/"


# How long a signed-in session lasts (it also ends when the browser closes).
SESSION_HOURS = env_int("DJANGO_SESSION_HOURS", 10)
# Where the admin (and its tools and schedule uploads) is served; a less guessable prefix than
# "admin/" keeps scanners off the sign-in page.
ADMIN_URL = env_path_prefix("DJANGO_ADMIN_URL", "admin/")
# Production only: off when a proxy in front already redirects to HTTPS.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Production only: trust the proxy's X-Forwarded-Proto to say the request came over HTTPS. Leave on
# only when a proxy that sets (and overwrites) that header is the sole way in.
SECURE_PROXY_SSL_HEADER = env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", True)
# Production only: how long browsers remember to use HTTPS only (0 while trying HTTPS out).
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60, minimum=0)


# Background exports: a web server starts a thread for a new export job unless this is off (then
# `manage.py run_export_jobs` must run somewhere).
EXPORT_JOBS_IN_THREAD = env_bool("DJANGO_EXPORT_JOBS_IN_THREAD", True)
