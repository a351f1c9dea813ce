"""Quiet logs by default (settings.LOGGING): a refused request is one line with no traceback,
and producing a PDF prints none of the generator's steps."""

import io
import logging
from contextlib import contextmanager

import pytest
from django.urls import reverse

from ..conftest import login

# settings.LOGGING's handlers, by name, and the logger each is attached to.
_HANDLERS = {"console": "", "server": "django.server"}


@contextmanager
def _console(name: str = "console"):
    """What the handler `name` of settings.LOGGING writes, while the block runs."""
    handler = next(h for h in logging.getLogger(_HANDLERS[name]).handlers if h.name == name)
    output = io.StringIO()
    previous = handler.setStream(output)
    try:
        yield output
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_a_forbidden_page_is_one_line_without_traceback(world):
    client = login(world.admin)  # administrators run the system: no caseload (403)

    with _console() as output:
        response = client.get(reverse("people:caseload"))

    assert response.status_code == 403
    assert output.getvalue().splitlines() == ["Forbidden (Permission denied): /people/"]


@pytest.mark.django_db
def test_a_page_not_found_is_one_line_without_traceback(world):
    client = login(world.treatment_b)  # person A is held in another prison
    path = reverse("people:detail", args=[world.person_a.uuid])

    with _console() as output:
        response = client.get(path)

    assert response.status_code == 404
    assert output.getvalue().splitlines() == [f"Not Found: {path}"]


def test_the_development_server_does_not_log_a_refusal_twice():
    server = logging.getLogger("django.server")

    with _console("server") as output:
        server.warning(
            '"GET /people/ HTTP/1.1" 403 12', extra={"status_code": 403, "server_time": "now"}
        )
        server.info(
            '"GET /work/ HTTP/1.1" 200 34', extra={"status_code": 200, "server_time": "now"}
        )

    assert output.getvalue().splitlines() == ['[now] "GET /work/ HTTP/1.1" 200 34']


def test_making_a_pdf_prints_none_of_the_generator_s_steps():
    from alliance.assessments.pdf import load_weasyprint

    weasyprint = load_weasyprint()
    with _console() as output:
        pdf = weasyprint.HTML(string="<h1>Summary</h1><p>Text in a font subset.</p>").write_pdf()

    assert pdf.startswith(b"%PDF")
    assert output.getvalue() == ""
