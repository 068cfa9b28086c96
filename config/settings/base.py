"""Settings shared by every environment; the environment-specific modules import this one."""

from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.SECRET_KEY or env.LOCAL_SECRET_KEY
DEBUG = False
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin, with config/admin_site.py as its site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "projects",
    "portfolio",
    "dispatch",
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.sessions.IdleSessionMiddleware",
    # After the language and the user: its 400 page speaks the reader's language, with their menu.
    "config.parameters.RequestParametersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# The admin's prefix (DJANGO_ADMIN_URL); every link to it is reversed, none is written out.
ADMIN_URL = env.ADMIN_URL
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dispatch.context_processors.dispatch_nav",
                "portfolio.page_cache.csrf_slot",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://…) selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60)
    if env.DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a rollup's expressions for about a second before running a
    # 100-ms query (the planner's estimate of the correlated subqueries crosses jit_above_cost);
    # these pages are short OLTP reads, so it is off for this application's sessions.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "projects.User"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# A signed-in session ends after a working day of idleness and when the browser closes: office
# computers are shared. config.sessions.IdleSessionMiddleware moves the expiry on while the user
# works, writing the session at most once per SESSION_REFRESH_SECONDS (not on every request).
SESSION_COOKIE_AGE = env.SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_REFRESH_SECONDS = 5 * 60

# Content-Security-Policy (django-csp): scripts and styles only from this site (vendored, no CDN),
# no plug-ins, no framing, forms post only here. Inline style attributes stay allowed: the admin
# and the investment-split bar use them, and they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.STATIC_ROOT) if env.STATIC_ROOT else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the application writes (export jobs' downloads, portfolio/jobs.py); never served as static
# files: the download view checks who asks. No MEDIA_URL is routed.
MEDIA_ROOT = Path(env.MEDIA_ROOT) if env.MEDIA_ROOT else BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Plain markup styled by static/portfolio/site.css (no Bootstrap is shipped); the project table
# sets its own template, portfolio/_table.html.
DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# --- Portfolio rules (county policy, changeable without code) ---
# A project is yellow when its completion rate is this many points behind 序时进度, red past the
# second figure; overdue milestones raise the flag likewise.
PORTFOLIO_FLAG_YELLOW_POINTS = Decimal("10")
PORTFOLIO_FLAG_RED_POINTS = Decimal("30")
PORTFOLIO_FLAG_YELLOW_OVERDUE_MILESTONES = 1
PORTFOLIO_FLAG_RED_OVERDUE_MILESTONES = 2
# Problems on the dispatch ledger past their deadline count like overdue milestones.
PORTFOLIO_FLAG_YELLOW_OVERDUE_PROBLEMS = 1
PORTFOLIO_FLAG_RED_OVERDUE_PROBLEMS = 2
# Plausibility flags a reviewer sees before approving (shown, never blocking): one month's
# investment over this share of the year's plan (percent), a cumulative percent jump over this
# many points in one report.
DISPATCH_FLAG_MONTH_SHARE = Decimal("30")
DISPATCH_FLAG_PERCENT_JUMP = Decimal("20")
# 红黑榜 on the page: up to this many units (and townships) in full; beyond it the best and the
# worst half each, the rest counted (the circular names those; the .xlsx ranks every one). A county
# has a few dozen; a province's 1,000 units made a 340-KB page.
DISPATCH_RANKINGS_SHOWN = 40
# Mail (the reminders): the console unless DJANGO_EMAIL_HOST names an SMTP server.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env.EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.EMAIL_HOST or "localhost"
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
# A month's report is on time when first submitted by this day of the next month.
DISPATCH_REPORT_DUE_DAY = 5

# --- Spreadsheet import limits ---
IMPORT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMPORT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
IMPORT_MAX_ROWS = 150_000  # a province's month (about 100,000 projects) with room to spare
# The reader runs in a child process (portfolio/excel/sandbox.py) under these limits. Measured
# (benchmarks/excel_bench.py, 2 cores at load 7): a 150,000-row, 6-column dispatch sheet (4.2 MB
# file) needs 148 MB and 4.0 s of CPU in the child (guards ~2.7 s, calamine ~1 s, the answer
# 0.4 s), but 14 s of wall clock on the loaded machine; a 20,000-row one about 100 MB and 0.6 s.
# The element budget bounds the XML the guards walk: a 150,000-row sheet of 15 filled columns is
# about 4.7 million elements (a row, and a cell and its value per filled column).
IMPORT_MAX_XML_ELEMENTS = 5_000_000
IMPORT_READER_MEMORY_BYTES = 1024 * 1024 * 1024
IMPORT_READER_SECONDS = 20  # CPU: 5x the 150,000-row sheet's 4 s; a looping reader still dies
IMPORT_READER_WALL_FACTOR = 3  # wall clock = 3x the CPU limit: a loaded machine took 3.6x the CPU time

# --- Lists and exports at province scale ---
# The largest page any list serves (?per_page= above it is a 400), and the deepest page of a list
# paged by OFFSET (a deeper ?page= is a 400: narrow the filters or sort the other way instead).
LIST_MAX_PER_PAGE = 500
LIST_MAX_OFFSET = 10_000
# A filter lists its choices — responsible units, locations in use — up to this many (a county has
# a few dozen of each); beyond, the value is typed (part of a unit's name or of a location) and the
# admin's unit filter gives way to its search box (portfolio.widgets.ListedOrTyped,
# projects.selectors.listed): a province's 1,000 units were 1,000 options on every list page.
LIST_MAX_CHOICES = 200
# Exports of up to this many projects are written in the request; larger ones become an ExportJob
# that a background thread (or `manage.py run_export_jobs`) writes while the page shows progress.
EXPORT_SYNC_MAX_ROWS = 5_000
# A running job whose heartbeat is older than this is taken to have lost its server: another
# worker may claim it again (the file is rewritten from the start).
EXPORT_JOB_STALE_SECONDS = 120
# Finished jobs and their files are deleted by `run_export_jobs` after this many days.
EXPORT_JOB_KEEP_DAYS = 7
# Start a thread for a new job in the web server itself (on commit). A deployment that runs
# `run_export_jobs` as its own service may turn this off.
EXPORT_JOBS_IN_THREAD = env.EXPORT_JOBS_IN_THREAD

# --- The pages' cache (portfolio/page_cache.py) ---
# Rendered figures are kept under the data token (portfolio/freshness.py): a committed write to the
# data changes it, so nothing here can be stale. Each process's memory by default; with
# DJANGO_PAGE_CACHE_DIR, a folder one server's workers share (fewer first renders).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.PAGE_CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
        if env.PAGE_CACHE_DIR
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 500},  # list pages are ~30 KB (165 projects) to ~110 KB (100,000)
        }
    ),
}
# Kept at most this long (a day changes the key anyway: 序时进度 and overdue milestones move).
PAGE_CACHE_SECONDS = 6 * 60 * 60
# The token changes at COMMIT (PostgreSQL: no write holds the version row longer than its commit).
# The tests turn it to "at the write": their transactions are rolled back, never committed.
DATA_TOKEN_AT_COMMIT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# `manage.py setup_demo` (demo accounts with a known password) runs only where this is True.
DEMO_ALLOWED = False
