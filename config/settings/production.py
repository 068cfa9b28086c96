"""Production: every secret comes from the environment; refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from config import env

from .base import *  # noqa: F403

if reason := env.weak_secret_reason(env.SECRET_KEY):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak for production: {reason}. Generate one with "
        "`python -c 'from django.core.management.utils import get_random_secret_key as k; print(k())'`."
    )
if not env.DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")

SECRET_KEY = env.SECRET_KEY
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.SECURE_PROXY_SSL_HEADER else None
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
DEMO_ALLOWED = False  # setup_demo refuses to run here
