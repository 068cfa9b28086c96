"""The application's PostgreSQL sessions run without JIT: with it, the planner's estimate for the
rollup's correlated subqueries crosses jit_above_cost and each rollup spends about a second
compiling before a 100-ms query (benchmarks/pages.py at 10,000 projects)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
