"""The assessments API as a client uses it: instruments, screenings, and an assessment from draft
to countersignature, with the same refusals, 404/403 rules and audit as the pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from alliance.assessments import services
from alliance.assessments.models import Assessment, AssessmentDue, Certification, ItemRating
from alliance.core.models import AuditEvent

from ..conftest import complete_ratings, login

pytestmark = pytest.mark.django_db

SOURCES = [{"kind": "interview", "description": "Two interviews", "on": "2026-11-01"}]
SUMMARY = {"sources": SOURCES, "formulation": "How it fits together",
           "overall_judgement": "moderate", "judgement_rationale": "Because of the evidence"}


def _json(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


def _detail(assessment):
    return reverse("api:assessment-detail", args=[assessment.uuid])


def _action(name, assessment):
    return reverse(f"api:assessment-{name}", args=[assessment.uuid])


def _item(assessment, code):
    return reverse("api:assessment-item", args=[assessment.uuid, code])


def _submitted(world):
    """The fixture's draft, complete and submitted by its certified lead assessor."""
    complete_ratings(world.draft, world.treatment_a)
    services.assessment_update(actor=world.treatment_a, assessment=world.draft,
                               expected_version=None, **SUMMARY)
    return services.assessment_submit(actor=world.treatment_a, assessment=world.draft,
                                      expected_version=None)


def _screening(definition, outcome="refer_full_assessment", **extra):
    data = {"instrument_version": str(definition.uuid), "occasion": "intake", "outcome": outcome,
            "ratings": {item.code: "absent" for item in definition.parsed.items},
            "bias_answers": {q.code: {"answer": "no", "note": ""}
                             for q in definition.parsed.bias_check.questions},
            "rationale": "Observed over two weeks"}
    return {**data, **extra}


def test_an_assessment_goes_from_draft_to_countersigned_through_the_api(assessing):
    client = login(assessing.treatment_a)
    # given a new draft of the active risk and needs instrument
    instruments = client.get(reverse("api:instrument-list"),
                             {"kind": "risk_needs"}).json()["results"]
    created = _json(client, "post", reverse("api:person-assessments",
                                            args=[assessing.person_a.uuid]),
                    {"instrument_version": instruments[0]["uuid"]})
    assert created.status_code == 201, created.json()
    draft = Assessment.objects.get(uuid=created.json()["uuid"])
    assert created.json()["status"] == "draft" and created.json()["lead_assessor"] == "treatment_a"
    # when every item of the definition is rated, and the summary filled in
    definition = client.get(reverse("api:instrument-detail",
                                    args=[instruments[0]["uuid"]])).json()["definition"]
    codes = [item["code"] for domain in definition["domains"] for item in domain["items"]]
    for code in codes:
        saved = _json(client, "put", _item(draft, code),
                      {"rating": "moderate", "evidence": f"Seen in {code}", "stamp": ""})
        assert saved.status_code == 200, saved.json()
        assert saved.json()["stamp"] and saved.json()["rating"] == "moderate"
    version = client.get(_detail(draft)).json()["version"]
    patched = _json(client, "patch", _detail(draft), {"version": version, **SUMMARY})
    assert patched.status_code == 200, patched.json()
    assert patched.json()["submission_problems"] == {}
    assert patched.json()["advisory"]["rated"] == len(codes)
    submitted = _json(client, "post", _action("submit", draft),
                      {"version": patched.json()["version"]})
    assert submitted.status_code == 200, submitted.json()
    # then a manager who took no part countersigns it, and the next one is scheduled
    countersigned = _json(login(assessing.manager_a), "post", _action("countersign", draft),
                          {"version": submitted.json()["version"]})
    assert countersigned.status_code == 200, countersigned.json()
    body = countersigned.json()
    assert (body["status"], body["countersigned_by"]) == ("countersigned", "manager_a")
    assert body["judgement_label"] == "Moderate concern"
    assert [s["description"] for s in body["sources"]] == ["Two interviews"]
    assert AssessmentDue.objects.get(person=assessing.person_a).reason == "interval"


def test_the_full_assessment_has_every_item_in_order_and_the_advisory_outputs(assessing):
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=assessing.draft,
                                  item_code="BA1", rating="unknown", evidence="Refused interview")
    body = login(assessing.treatment_a).get(_detail(assessing.draft)).json()
    items = assessing.draft.instrument_version.parsed.items
    assert [r["item_code"] for r in body["ratings"]] == [item.code for item in items]
    first, second = body["ratings"][0], body["ratings"][1]
    assert (first["rating"], first["evidence"], first["rated_by"]) == (
        "unknown", "Refused interview", "treatment_a")
    assert (second["rating"], second["stamp"]) == (None, "")
    assert body["advisory"]["unknowns"] == 1
    assert {o["type"] for o in body["advisory"]["outputs"]} >= {"subscales", "needs", "unknowns"}
    assert "item_BA2" in body["submission_problems"]
    assert sorted(body["actions"]) == ["edit", "view", "view_summary"]
    assert [p["user"] for p in body["participants"]] == ["treatment_a"]


def test_it_refuses_a_rating_outside_the_scale(assessing):
    response = _json(login(assessing.treatment_a), "put", _item(assessing.draft, "BA1"),
                     {"rating": "extreme", "evidence": "x"})
    assert response.status_code == 400
    assert "not on the item's scale" in response.json()["fields"]["rating"][0]
    assert not ItemRating.objects.filter(assessment=assessing.draft).exists()


def test_it_refuses_a_rating_that_is_not_a_code_or_a_number(assessing):
    response = _json(login(assessing.treatment_a), "put", _item(assessing.draft, "BA1"),
                     {"rating": True})
    assert response.status_code == 400 and "rating" in response.json()["fields"]


def test_a_colleagues_newer_rating_is_not_overwritten(assessing):
    client = login(assessing.treatment_a)
    first = _json(client, "put", _item(assessing.draft, "BA1"),
                  {"rating": "low", "evidence": "Interview", "stamp": ""})
    assert first.status_code == 200
    stale = _json(client, "put", _item(assessing.draft, "BA1"),
                  {"rating": "high", "evidence": "Interview", "stamp": ""})
    assert stale.status_code == 409
    fresh = _json(client, "put", _item(assessing.draft, "BA1"),
                  {"rating": "high", "evidence": "Interview", "stamp": first.json()["stamp"]})
    assert fresh.status_code == 200
    assert ItemRating.objects.get(assessment=assessing.draft, item_code="BA1").rating == "high"


def test_it_refuses_submission_with_items_missing_and_lists_them(assessing):
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=assessing.draft,
                                  item_code="BA1", rating="low", evidence="x")
    response = _json(login(assessing.treatment_a), "post", _action("submit", assessing.draft),
                     {"version": assessing.draft.version})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "item_BA2" in fields and "item_BA1" not in fields
    assert "sources" in fields
    assert Assessment.objects.get(pk=assessing.draft.pk).status == "draft"


def test_it_refuses_submission_by_an_uncertified_assessor(assessing):
    Certification.objects.filter(user=assessing.treatment_a).update(
        expires_on=datetime.date.today() - datetime.timedelta(days=1))
    complete_ratings(assessing.draft, assessing.treatment_a)
    draft = services.assessment_update(actor=assessing.treatment_a, assessment=assessing.draft,
                                       expected_version=None, **SUMMARY)
    response = _json(login(assessing.treatment_a), "post", _action("submit", draft),
                     {"version": draft.version})
    assert response.status_code == 400
    assert "not currently certified" in response.json()["fields"]["non_field_errors"][0]
    assert "not currently certified" in response.json()["detail"]
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


def test_the_author_may_not_countersign(assessing):
    submitted = _submitted(assessing)
    response = _json(login(assessing.treatment_a), "post", _action("countersign", submitted),
                     {"version": submitted.version})
    assert response.status_code == 403  # an assessor is not a countersigner of their own work
    assert Assessment.objects.get(pk=submitted.pk).status == "submitted"


def test_a_manager_returns_a_submitted_assessment_with_comments(assessing):
    submitted = _submitted(assessing)
    client = login(assessing.manager_a)
    blank = _json(client, "post", _action("return", submitted),
                  {"version": submitted.version, "comments": " "})
    assert blank.status_code == 400 and "comments" in blank.json()["fields"]
    returned = _json(client, "post", _action("return", submitted),
                     {"version": submitted.version, "comments": "Evidence for SC2 is thin"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_comments"]) == (
        "returned", "Evidence for SC2 is thin")


def test_a_stale_patch_gets_409(assessing):
    client = login(assessing.treatment_a)
    version = client.get(_detail(assessing.draft)).json()["version"]
    first = _json(client, "patch", _detail(assessing.draft),
                  {"version": version, "formulation": "First"})
    assert first.status_code == 200 and first.json()["version"] == version + 1
    stale = _json(client, "patch", _detail(assessing.draft),
                  {"version": version, "formulation": "Second"})
    assert stale.status_code == 409
    assert Assessment.objects.get(pk=assessing.draft.pk).formulation == "First"


def test_a_patch_reports_field_errors(assessing):
    client = login(assessing.treatment_a)
    response = _json(client, "patch", _detail(assessing.draft), {
        "version": assessing.draft.version, "overall_judgement": "catastrophic",
        "sources": [{"kind": "rumour", "description": ""}]})
    assert response.status_code == 400
    assert "sources.0.kind" in response.json()["fields"]
    judgement = _json(client, "patch", _detail(assessing.draft),
                      {"version": assessing.draft.version, "overall_judgement": "catastrophic"})
    assert judgement.status_code == 400 and "overall_judgement" in judgement.json()["fields"]


def test_another_prisons_officer_gets_404(assessing):
    client = login(assessing.treatment_b)
    person = assessing.person_a.uuid
    assert client.get(_detail(assessing.draft)).status_code == 404
    assert _json(client, "put", _item(assessing.draft, "BA1"),
                 {"rating": "low"}).status_code == 404
    assert client.get(reverse("api:person-assessments", args=[person])).status_code == 404
    assert client.get(reverse("api:person-screenings", args=[person])).status_code == 404
    assert _json(client, "post", reverse("api:person-screenings", args=[person]),
                 _screening(assessing.instruments.screening)).status_code == 404


def test_a_security_officer_sees_the_person_but_not_the_treatment_compartment(assessing):
    client = login(assessing.security_a)
    person = assessing.person_a.uuid
    # the draft is not there for them (the same 404 as in their list, which omits it)
    assert client.get(_detail(assessing.draft)).status_code == 404
    assert client.get(reverse("api:person-screenings", args=[person])).status_code == 403
    screening = _json(client, "post", reverse("api:person-screenings", args=[person]),
                      _screening(assessing.instruments.screening))
    assert screening.status_code == 403
    start = _json(client, "post", reverse("api:person-assessments", args=[person]),
                  {"instrument_version": str(assessing.instruments.risk_needs.uuid)})
    assert start.status_code == 403
    assert not AssessmentDue.objects.exists()


def test_the_case_team_lists_final_assessments_as_summaries_only(assessing):
    url = reverse("api:person-assessments", args=[assessing.person_a.uuid])
    client = login(assessing.security_a)
    assert client.get(url).json()["results"] == []  # a draft is the treatment compartment's business
    services.assessment_countersign(actor=assessing.manager_a, assessment=_submitted(assessing),
                                    expected_version=None)
    rows = client.get(url).json()["results"]
    assert [(r["status"], r["overall_judgement"], r["actions"]) for r in rows] == [
        ("countersigned", "moderate", ["view_summary"])]
    assert "ratings" not in rows[0] and "formulation" not in rows[0]
    treatment_rows = login(assessing.treatment_a).get(url).json()["results"]
    assert treatment_rows[0]["actions"] == ["correct", "view", "view_summary"]


def test_a_screening_that_refers_puts_the_person_on_the_due_list(assessing):
    client = login(assessing.treatment_a)
    url = reverse("api:person-screenings", args=[assessing.person_a.uuid])
    response = _json(client, "post", url, _screening(assessing.instruments.screening))
    assert response.status_code == 201, response.json()
    assert response.json()["outcome"] == "refer_full_assessment"
    due = AssessmentDue.objects.get(person=assessing.person_a)
    assert (due.reason, due.due_on) == ("screening_referral", datetime.date.today())
    listed = client.get(url).json()["results"]
    assert [s["uuid"] for s in listed] == [response.json()["uuid"]]
    assert listed[0]["bias_answers"]["faith"]["answer"] == "no"


def test_a_screening_reports_its_field_errors_and_saves_nothing(assessing):
    url = reverse("api:person-screenings", args=[assessing.person_a.uuid])
    client = login(assessing.treatment_a)
    monitor = _json(client, "post", url, _screening(assessing.instruments.screening,
                                                    outcome="monitor"))
    assert monitor.status_code == 400 and "review_on" in monitor.json()["fields"]
    bad_answer = _screening(assessing.instruments.screening,
                            bias_answers={"faith": {"answer": "maybe"}})
    assert "bias_answers.faith.answer" in _json(client, "post", url, bad_answer).json()["fields"]
    wrong_kind = _screening(assessing.instruments.screening,
                            instrument_version=str(assessing.instruments.risk_needs.uuid))
    assert _json(client, "post", url, wrong_kind).status_code == 400
    assert not assessing.person_a.screenings.exists()


def test_any_signed_in_user_lists_instruments_in_their_language(assessing):
    client = login(assessing.regional_coordinator)
    rows = client.get(reverse("api:instrument-list"), HTTP_ACCEPT_LANGUAGE="sq").json()["results"]
    assert {r["code"] for r in rows} == {"alliance-screening", "alliance-risk-needs",
                                         "alliance-structured-profile",
                                         "alliance-working-alliance"}
    screening = next(r for r in rows if r["kind"] == "screening")
    assert screening["name"] == "Depistimi i shqetësimit për radikalizim"
    detail = client.get(reverse("api:instrument-detail", args=[screening["uuid"]])).json()
    assert detail["definition"]["code"] == "alliance-screening"
    assert Client().get(reverse("api:instrument-list")).status_code == 401


def test_every_get_of_an_assessment_is_audited(assessing):
    client = login(assessing.treatment_a)
    for expected in (1, 2):
        assert client.get(_detail(assessing.draft)).status_code == 200
        reads = AuditEvent.objects.filter(action="view", object_uuid=str(assessing.draft.uuid))
        assert reads.count() == expected
    event = reads.latest("id")
    assert (event.actor, event.person_id) == (assessing.treatment_a, assessing.person_a.pk)


def test_the_schema_documents_the_assessment_endpoints(world):
    schema = login(world.treatment_a).get(reverse("api-schema")).content.decode()
    for path in ("/api/v1/instruments/", "/api/v1/persons/{person_uuid}/screenings/",
                 "/api/v1/persons/{person_uuid}/assessments/",
                 "/api/v1/assessments/{assessment_uuid}/items/{item_code}/",
                 "/api/v1/assessments/{assessment_uuid}/countersign/"):
        assert path in schema


def test_a_format_1_rating_carries_its_label_beside_the_code(assessing):
    client = login(assessing.treatment_a)
    saved = _json(client, "put", _item(assessing.draft, "BA1"),
                  {"rating": "moderate", "evidence": "Interview", "stamp": ""})
    assert saved.status_code == 200
    assert (saved.json()["rating"], saved.json()["label"], saved.json()["asked"]) == (
        "moderate", "Moderate", True)
    assert saved.json()["parts"] == [{"code": "", "name": "", "value": "moderate",
                                      "label": "Moderate"}]
    body = client.get(_detail(assessing.draft), HTTP_ACCEPT_LANGUAGE="sq").json()
    first = body["ratings"][0]
    assert (first["rating"], first["label"]) == ("moderate", "Mesatar")
    assert body["comparison"] == {"previous": None, "previous_completed_at": None,
                                  "changes": []}
    assert (body["additional_factors"], body["factor_slots"]) == ([], [])
    assert body["formulation_only"] is False


def test_the_instrument_list_says_each_format_and_where_it_is_taken(assessing):
    rows = login(assessing.treatment_a).get(reverse("api:instrument-list")).json()["results"]
    assert {(r["code"], r["format"], r["taken_with"]) for r in rows} == {
        ("alliance-screening", 1, "screening"), ("alliance-risk-needs", 1, "assessment"),
        ("alliance-structured-profile", 2, "assessment"),
        ("alliance-working-alliance", 1, "alliance_measure")}
    assert {r["kind"]: r["kind_label"] for r in rows}["alliance"] == "Working alliance measure"


def test_a_screening_answers_with_its_labels(assessing):
    url = reverse("api:person-screenings", args=[assessing.person_a.uuid])
    created = _json(login(assessing.treatment_a), "post", url,
                    _screening(assessing.instruments.screening))
    assert created.status_code == 201
    body = created.json()
    assert body["occasion_label"] == "Admission"
    assert set(body["rating_labels"]) == set(body["ratings"])
    assert {body["rating_labels"][code] for code in body["ratings"]} == {"Not observed"}
