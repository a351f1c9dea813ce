"""The published schema says what the API answers: the list envelope, the error shape, and the
error statuses of every operation."""

import pytest
from django.urls import reverse

from ..conftest import login
from .helpers import ENVELOPE

pytestmark = pytest.mark.django_db

LIST_PATHS = ["/api/v1/persons/", "/api/v1/cases/", "/api/v1/instruments/",
              "/api/v1/persons/{person_uuid}/screenings/",
              "/api/v1/persons/{person_uuid}/assessments/", "/api/v1/tasks/",
              "/api/v1/notifications/", "/api/v1/interventions/",
              *(f"/api/v1/persons/{{person_uuid}}/{name}/" for name in (
                  "plans", "enrolments", "sessions", "refusals", "motivation",
                  "alliance-measures", "follow-ups")),
              "/api/v1/handovers/", "/api/v1/referrals/"]
VERSIONED = [("patch", "/api/v1/persons/{person_uuid}/"),
             ("patch", "/api/v1/assessments/{assessment_uuid}/"),
             ("put", "/api/v1/assessments/{assessment_uuid}/items/{item_code}/"),
             ("post", "/api/v1/assessments/{assessment_uuid}/submit/"),
             ("post", "/api/v1/assessments/{assessment_uuid}/countersign/"),
             ("post", "/api/v1/assessments/{assessment_uuid}/return/"),
             ("post", "/api/v1/assessments/{assessment_uuid}/factors/"),
             ("put", "/api/v1/assessments/{assessment_uuid}/factors/{factor_uuid}/"),
             ("delete", "/api/v1/assessments/{assessment_uuid}/factors/{factor_uuid}/"),
             ("post", "/api/v1/tasks/{task_uuid}/done/"),
             ("patch", "/api/v1/plans/{plan_uuid}/"),
             *(("post", f"/api/v1/plans/{{plan_uuid}}/{action}/") for action in (
                 "goals", "goals/{goal_uuid}/steps", "submit", "countersign", "return",
                 "review")),
             ("patch", "/api/v1/sessions/{session_uuid}/"),
             ("patch", "/api/v1/interventions/{intervention_uuid}/"),
             ("patch", "/api/v1/observations/{observation_uuid}/"),
             ("patch", "/api/v1/release-steps/{step_uuid}/"),
             ("patch", "/api/v1/persons/{person_uuid}/support-plan/"),
             ("patch", "/api/v1/follow-ups/{follow_up_uuid}/"),
             ("post", "/api/v1/handovers/{handover_uuid}/acknowledge/"),
             *(("post", f"/api/v1/referrals/{{referral_uuid}}/{action}/") for action in (
                 "accept", "decline", "complete")),
             ("post", "/api/v1/handovers/{handover_uuid}/withdraw/"),
             ("patch", "/api/v1/knowledge/{entry_uuid}/"),
             ("put", "/api/v1/knowledge/{entry_uuid}/translations/{language}/"),
             *(("post", f"/api/v1/knowledge/{{entry_uuid}}/{action}/") for action in (
                 "submit", "review", "return", "publish", "withdraw")),
             ("patch", "/api/v1/meetings/{meeting_uuid}/"),
             ("delete", "/api/v1/meetings/{meeting_uuid}/"),
             ("put", "/api/v1/recommendations/{entry_uuid}/adoption/{jurisdiction_code}/"),
             ("post", "/api/v1/methodology/versions/{version_uuid}/approve/"),
             ("patch", "/api/v1/methodology/versions/{version_uuid}/chapters/{chapter_uuid}/"),
             ("delete", "/api/v1/methodology/versions/{version_uuid}/chapters/{chapter_uuid}/"),
             ("patch", "/api/v1/training/sessions/{session_uuid}/"),
             ("delete", "/api/v1/training/sessions/{session_uuid}/"),
             ("put", "/api/v1/training/sessions/{session_uuid}/attendees/"),
             ("post", "/api/v1/training/sessions/{session_uuid}/results/")]
# Operations without input that may still be refused as invalid (400).
REFUSED_WITHOUT_INPUT = [("post", "/api/v1/persons/{person_uuid}/plans/"),
                         ("post", "/api/v1/persons/{person_uuid}/support-plan/")]
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(world):
    response = login(world.treatment_a).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def _resolve(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _json_schema(response: dict) -> dict:
    return response["content"]["application/json"]["schema"]


def test_every_list_documents_the_paginated_envelope(schema):
    for path in LIST_PATHS:
        envelope = _resolve(schema, _json_schema(
            schema["paths"][path]["get"]["responses"]["200"])["$ref"])
        assert set(envelope["required"]) == set(envelope["properties"]) == ENVELOPE, path
        assert envelope["properties"]["results"]["type"] == "array"
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}


def test_the_error_shape_is_one_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "code", "fields"}
    assert set(error["required"]) == {"detail", "code"}


def test_every_operation_documents_its_errors_in_that_shape(schema):
    operations = list(_operations(schema))
    assert len(operations) >= 18
    for method, path, operation in operations:
        responses = operation["responses"]
        expected = {"401", "403", "406", "429", "500"}
        if "{" in path:
            expected |= {"400", "404"}  # a control character in the path is refused
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if path in LIST_PATHS and method == "get":
            expected.add("400")
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            expected.add("400")  # a query parameter may be refused (a DELETE's version)
        if (method, path) in VERSIONED:
            expected.add("409")
        if (method, path) in REFUSED_WITHOUT_INPUT:
            expected.add("400")
        errors = {code for code in responses if code >= "400"}
        assert errors == expected, (method, path, errors)
        for code in errors:
            assert _json_schema(responses[code]) == {"$ref": ERROR_REF}, (method, path, code)


def test_every_operation_says_that_it_may_be_throttled(schema):
    for method, path, operation in _operations(schema):
        throttled = operation["responses"]["429"]
        assert "Retry-After" in throttled["description"], (method, path)
        assert throttled["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_filters_document_their_allowed_values(schema):
    def parameters(path):
        return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"screening", "risk_needs"} <= set(parameters("/api/v1/instruments/")["kind"]["enum"])
    persons = parameters("/api/v1/persons/")
    assert {"vep", "at_risk", "other"} <= set(persons["classification"]["enum"])
    assert "remand" in persons["category"]["enum"] and persons["q"]["maxLength"] == 200


ASSESSMENT_PATHS = ("/api/v1/instruments/", "/api/v1/assessments/",
                    "/api/v1/persons/{person_uuid}/screenings/",
                    "/api/v1/persons/{person_uuid}/assessments/")


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_field_of_the_assessments_api_is_documented(schema):
    # every component the instruments, screenings and assessments operations use, transitively
    seen, todo = set(), [ref for path, methods in schema["paths"].items()
                         if path.startswith(ASSESSMENT_PATHS) for ref in _refs(methods)]
    while todo:
        ref = todo.pop()
        if ref not in seen:
            seen.add(ref)
            todo.extend(_refs(_resolve(schema, ref)))
    assert len(seen) > 20
    # (the list envelope is core.api's, checked above)
    undocumented = [f"{ref.rsplit('/', 1)[1]}.{name}" for ref in sorted(seen)
                    if "/Paginated" not in ref
                    for name, field in _resolve(schema, ref).get("properties", {}).items()
                    if not field.get("description")]
    assert undocumented == []
