"""The production application server's settings: `gunicorn -c config/gunicorn.py config.wsgi`.
Every value can be set from the environment the same way gunicorn's own flags can."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, gunicorn's rule of thumb for a database-bound Django site.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads per worker (gunicorn's gthread worker): a page spends a fair part of its time waiting on
# PostgreSQL, and a thread waiting on it lets another of the worker's threads run. With 2 workers
# and 16 users on 165 projects (benchmarks/load.py, README "Performance") 4 threads served the page
# mix at 15-19 req/s against 9.8 for the sync worker. Each thread keeps its own database
# connection (CONN_MAX_AGE): workers × threads connections. GUNICORN_THREADS=1 is the sync worker.
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# No page may keep a worker longer than this; long exports stream or run as jobs.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then so a slow leak in a native library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
