"""The content-security policy on every admin page and every allauth page, checked as in
test_headers.py: the policy and the other headers on every response, an inline script only with
the response's nonce, no style="..." or onclick="..." attribute in the HTML. Every other page of
the site and the API is checked the same way by the canary walk, as each persona
(tests/security/test_canary_walk.py)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..conftest import login
from .test_headers import problems

pytestmark = pytest.mark.django_db

def test_every_admin_page_has_the_strict_policy(world):
    client = login(world.admin)
    found, opened = [], 0
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            response = client.get(url)
            opened += response.status_code == 200
            found += [f"{url}: {p}" for p in problems(response)]
    assert not found, "\n".join(found)
    assert opened >= len(admin.site._registry)


def _allauth_pages(resolver=None, prefix=""):
    """allauth's addresses that take no parameter (sign-in, password, second factor, sessions)."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _allauth_pages(p, prefix + str(p.pattern))
        elif (isinstance(p, URLPattern) and p.name and not p.pattern.converters
              and p.name.startswith(("account_", "mfa_", "usersessions_"))):
            yield p.name, "/" + prefix + str(p.pattern)


def test_every_allauth_page_has_the_strict_policy(world):
    found, opened = [], set()
    for who, client in [("anonymous", Client()), ("treatment_a", login(world.treatment_a))]:
        for name, url in _allauth_pages():
            response = client.get(url)
            if response.status_code == 200:
                opened.add(name)
            found += [f"{who} {url}: {p}" for p in problems(response)]
    assert not found, "\n".join(found)
    assert {"account_login", "account_change_password", "mfa_index"} <= opened
