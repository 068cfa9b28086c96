"""The test suite: fast hashing, plain static storage, no lockout noise between tests."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False
DEMO_ALLOWED = True
# Tests serve static files from the finders (no collectstatic), as runserver does.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The data token changes at each write, not at COMMIT: a test's transaction never commits, yet a
# page read after a write in it must not come from the cache (portfolio/freshness.py).
DATA_TOKEN_AT_COMMIT = False
