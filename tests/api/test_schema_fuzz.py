"""Every operation of the published schema, called with bodies and parameters that schemathesis
generates from the schema itself (valid ones, and ones that break it: wrong types, missing
fields, strings at and past their limits), answers as the schema says: never a 5xx, a status
the operation documents, JSON in the documented shape -- the one error shape for every refusal.

The examples are few per operation and derandomized, so the run is the same every time; the
calls go through the WSGI application in the test's transaction, as a treatment officer with a
knox token, on a world with a person, a case, instruments and a draft assessment, whose
identifiers fill the path parameters (the others are generated, and find nothing: 404).
"""

import json
import re
import uuid
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..conftest import login
from .helpers import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
EXAMPLES = 3  # per operation and generation mode


@contextmanager
def in_test_transaction():
    """Let the WSGI application run inside the test's transaction: at the end of a request Django
    closes a connection that is not in autocommit (as the test client knows to prevent, and
    re-allows after each of its own requests: hence around each call, not once)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def fuzzing(assessing, settings):
    w = assessing
    settings.API_THROTTLE_USER = settings.API_THROTTLE_USER_SUSTAINED = "0"
    settings.API_THROTTLE_TOKEN = settings.API_THROTTLE_TOKEN_SUSTAINED = "0"
    response = login(w.treatment_a).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    w.schema = schemathesis.openapi.from_dict(response.json())
    w.schema.app = get_wsgi_application()
    _instance, token = AuthToken.objects.create(user=w.treatment_a)
    w.headers = {"Authorization": f"Token {token}"}
    w.known = {"person_uuid": str(w.person_a.uuid), "case_uuid": str(w.case_a.uuid),
               "assessment_uuid": str(w.draft.uuid),
               "version_uuid": str(w.instruments.risk_needs.uuid), "item_code": "BA1"}
    return w


def _fuzz(w, operation, mode: GenerationMode) -> None:
    names = {p.name for p in operation.path_parameters}
    path_parameters = {n: w.known[n] for n in names} if names <= set(w.known) else None
    if mode is GenerationMode.NEGATIVE and not _negatable(operation, path_parameters):
        return
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        with in_test_transaction():
            response = case.call(headers=w.headers)
        case.validate_response(response, checks=CHECKS, headers=w.headers)

    try:
        run()
    except Unsatisfiable:
        # nothing of this request can be made invalid (an enum in the path, say)
        if mode is not GenerationMode.NEGATIVE:
            raise


def _negatable(operation, path_parameters) -> bool:
    """Whether anything of the request can be made invalid: a body, a query parameter, or a
    path parameter that is generated (not one of the world's)."""
    return bool(operation.body or operation.query or
                (operation.path_parameters and path_parameters is None))


def _describe(exc) -> str:
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
    return "\n".join(str(part)[:1500] for part in parts)


def test_every_operation_answers_generated_input_as_its_schema_says(fuzzing):
    failures = []
    operations = [result.ok() for result in fuzzing.schema.get_all_operations()]
    assert len(operations) > 80
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(fuzzing, operation, mode)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 -- all reported
                failures.append(f"{operation.label} [{mode.value}]: {_describe(exc)}")
    assert not failures, "\n\n".join(failures)


# --- explicit bad input on every operation that takes a body ----------------------------------

def _properties(schema: dict, body_schema: dict) -> list[str]:
    if "$ref" in body_schema:
        body_schema = schema["components"]["schemas"][body_schema["$ref"].rsplit("/", 1)[1]]
    return list(body_schema.get("properties", {})) or ["name"]


def _with_bodies(w, schema: dict):
    """(label, url, method, property names) of every operation that takes a JSON body, its path
    parameters filled from the world (or a UUID that names nothing: then 404 must come first)."""
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            url = path
            for name in re.findall(r"{(\w+)}", path):
                url = url.replace(f"{{{name}}}", w.known.get(name, str(uuid.UUID(int=1))))
            yield (f"{method.upper()} {path}", url, method,
                   _properties(schema, content["application/json"]["schema"]))


def _as_json(properties, value) -> str:
    return json.dumps({name: value for name in properties})


# (case, body from the property names, the status and code it must get, or None for any 4xx)
BAD_BODIES = [
    ("malformed JSON", lambda props: '{"' + props[0] + '": ', 400, "parse_error"),
    ("NUL", lambda props: _as_json(props, "a\x00b"), 400, "invalid_characters"),
    ("lone surrogate", lambda props: _as_json(props, "\ud800"), 400, "invalid_characters"),
    ("oversized", lambda props: _as_json(props, "x" * 2_000_000), 413, "request_too_large"),
    ("wrong types", lambda props: _as_json(props, [{"a": [1.5e308]}]), None, None),
    ("very long strings", lambda props: _as_json(props, "\u05d0" * 60_000), None, None),
    ("right-to-left marks", lambda props: _as_json(props, "\u202e\u200fabc\u202c"), None, None),
]


def _refused_before_reading(response) -> bool:
    """Refused before the body is read: nothing visible (404), not allowed (403), or not in a
    state to take it (400 about the record as a whole: "start the support plan first")."""
    if response.status_code in (403, 404):
        return True
    body = response.json() if response.status_code == 400 else {}
    return body.get("code") == "invalid" and set(body.get("fields", {})) == {"non_field_errors"}


def test_every_body_refuses_bad_input_with_4xx_in_the_error_shape(fuzzing):
    schema = login(fuzzing.treatment_a).get(reverse("api-schema"), {"format": "json"}).json()
    client = Client(HTTP_AUTHORIZATION=fuzzing.headers["Authorization"])
    operations = list(_with_bodies(fuzzing, schema))
    assert len(operations) > 40
    wrong = []
    for label, url, method, properties in operations:
        for case, body, status, code in BAD_BODIES:
            response = client.generic(method.upper(), url, body(properties),
                                      content_type="application/json")
            try:
                if status is None:
                    assert 400 <= response.status_code < 500 or response.status_code < 300
                    if response.status_code >= 400:
                        assert_error(response, response.status_code)
                elif _refused_before_reading(response):
                    assert_error(response, response.status_code)
                else:
                    assert_error(response, status, code)
            except AssertionError:
                wrong.append(f"{label} [{case}]: {response.status_code} "
                             f"{response.content[:300]!r}")
    assert not wrong, "\n".join(wrong)
