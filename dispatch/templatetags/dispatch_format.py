"""How the dispatch pages name people: 姓名 as Chinese writes it (王明), else the login name."""

from django import template

from dispatch.selectors import person as person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
