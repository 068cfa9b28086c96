"""Fixtures for the leaders' pages."""

import pytest

from tests.portfolio.data import build_portfolio


@pytest.fixture
def portfolio(plan_year, categories, unit_a, unit_b):
    return build_portfolio(plan_year=plan_year, categories=categories, units=[unit_a, unit_b], per_category=2)
