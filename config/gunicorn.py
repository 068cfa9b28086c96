"""The production application server's settings: `gunicorn -c config/gunicorn.py config.wsgi`.
Every value can be set from the environment the same way gunicorn's own flags can."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, gunicorn's rule of thumb for a database-bound Django site.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads per worker (gunicorn's gthread worker when above 1): a thread waiting on the database
# lets another run. 1 (the sync worker) unless GUNICORN_THREADS says otherwise.
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
