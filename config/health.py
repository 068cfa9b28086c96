"""The health endpoint a load balancer or monitor polls: 200 when this process can reach its
database, 503 when it cannot. It answers without signing in and says nothing about the data.

And `whoami`, its signed-in counterpart: who this session belongs to, for a script or page that
wants to know whether its session is still alive before it posts (a signed-out caller is sent to
the login page, as on every page). It is the smallest thing a signed-in request can ask: the whole
middleware stack, the session and the user read, no data — benchmarks/load.py measures the pages
against it."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database cannot be reached")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
@login_required
def whoami(request):
    user = request.user
    return JsonResponse({"username": user.get_username(), "name": user.get_full_name()})
