"""Behind the documented reverse proxy, the audit trail records the client, not the proxy."""

import pytest
from django.urls import reverse

from alliance.core.models import AuditEvent

from ..conftest import login

pytestmark = pytest.mark.django_db


def _recorded_address(world, **meta):
    login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]), **meta)
    return AuditEvent.objects.latest("id").ip_address


def test_without_trusted_proxies_the_forwarded_header_is_ignored(world, settings):
    settings.TRUSTED_PROXIES = []
    assert _recorded_address(world, REMOTE_ADDR="10.0.0.5",
                             HTTP_X_FORWARDED_FOR="203.0.113.9") == "10.0.0.5"


def test_from_a_trusted_proxy_the_client_address_is_recorded(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert _recorded_address(world, REMOTE_ADDR="10.0.0.5",
                             HTTP_X_FORWARDED_FOR="203.0.113.9") == "203.0.113.9"


def test_a_client_cannot_forge_its_address_through_the_proxy(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    # the client sent "1.2.3.4" itself; the proxy appended the address it really came from
    assert _recorded_address(world, REMOTE_ADDR="10.0.0.5",
                             HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7") == "198.51.100.7"


def test_a_request_that_does_not_come_from_a_proxy_cannot_claim_one(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert _recorded_address(world, REMOTE_ADDR="198.51.100.20",
                             HTTP_X_FORWARDED_FOR="203.0.113.9") == "198.51.100.20"
