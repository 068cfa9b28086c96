"""The production application server's settings: `gunicorn -c config/gunicorn.py config.wsgi`.
Every value can be set from the environment the same way gunicorn's own flags can."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, gunicorn's rule of thumb for a database-bound Django site.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads per worker (gunicorn's gthread worker above 1), for pages that wait on the database.
# Measured with benchmarks/load.py (2 workers, 16 users, 165 projects) on a shared 2-core machine,
# 4 threads did not beat the sync worker beyond the machine's noise (15-19 against 10-20 req/s for
# the page mix), so the default stays the sync worker; GUNICORN_THREADS sets it.
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# No page may keep a worker longer than this; long exports stream or run as jobs.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then so a slow leak in a native library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
