"""Production refuses to start on a weak secret key, by Django's own measure and this repository's."""

import pytest
from django.core.management.utils import get_random_secret_key

from config import env


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("", "not set"),
        (env.LOCAL_SECRET_KEY, "development key"),
        ("django-insecure-" + get_random_secret_key(), "django-insecure-"),
        ("k" * 49, "fewer than 50"),
        ("abcd" * 20, "fewer than 5"),
    ],
)
def test_weak_keys_are_named_with_the_reason(key, says):
    assert says in env.weak_secret_reason(key)


def test_a_generated_key_is_strong():
    assert env.weak_secret_reason(get_random_secret_key()) is None
