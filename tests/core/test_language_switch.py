"""The language switch works for someone not signed in yet (the sign-in page offers it), and
only as a POST with the CSRF token that goes back to a page of this site."""

import pytest
from django.test import Client
from django.urls import reverse

from ..conftest import login

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _signed_out_with_token() -> tuple[Client, str]:
    """A signed-out browser that has opened the sign-in page, and the CSRF token it was given."""
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    return client, client.cookies["csrftoken"].value


def test_it_switches_the_language_of_a_signed_out_person():
    client, token = _signed_out_with_token()

    response = client.post(
        reverse("set_language"), {"language": "sq", "next": LOGIN, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == LOGIN  # back to the sign-in page, not asked to sign in
    page = client.get(LOGIN)
    assert 'lang="sq"' in page.content.decode()
    assert "Hyr" in page.content.decode()  # the sign-in button, in Albanian


def test_it_refuses_the_switch_without_the_csrf_token():
    client, _ = _signed_out_with_token()

    response = client.post(reverse("set_language"), {"language": "sq", "next": LOGIN})

    assert response.status_code == 403
    assert 'lang="en"' in client.get(LOGIN).content.decode()


def test_it_refuses_a_get():
    response = Client().get(reverse("set_language"), {"language": "sq", "next": LOGIN})

    assert response.status_code == 405
    assert "django_language" not in response.cookies


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_it_never_sends_the_person_to_another_site(next_url):
    client, token = _signed_out_with_token()

    response = client.post(
        reverse("set_language"), {"language": "sq", "next": next_url, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "sq"


def test_a_signed_in_person_still_switches_and_stays_on_the_page(world):
    client = login(world.treatment_a)
    page = reverse("people:detail", args=[world.person_a.uuid])

    response = client.post(reverse("set_language"), {"language": "mk", "next": page})

    assert response.status_code == 302 and response["Location"] == page
    assert 'lang="mk"' in client.get(page).content.decode()
