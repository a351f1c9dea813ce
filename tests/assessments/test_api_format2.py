"""The assessments API with a format-2 instrument (the reference structured profile), as a client
uses it: named ratings, not applicable, conditions, evidence, additional factors, domain
judgements and a formulation-only judgement, from the start to the countersignature; labels in
the reader's language beside every code; a comparison that follows each rating's direction."""

import json

import pytest
from django.urls import reverse

from alliance.assessments import services
from alliance.assessments.models import AdditionalFactor, Assessment, ItemRating

from ..conftest import FORMAT_2_CHECKLIST, login

pytestmark = pytest.mark.django_db

EVIDENCE = "Seen in two interviews and the file"
SOURCES = [{"kind": "interview", "description": "Two interviews", "on": "2026-11-01"}]
JUDGEMENTS = {"engagement": {"judgement": "high", "rationale": "Identity rests on the cause"},
              "intent": {"judgement": "low", "rationale": "No identification with violence"},
              "capability": {"judgement": "moderate", "rationale": "Some history"}}
# A complete set of answers of the reference profile: named ratings, an item whose condition is
# not met left out (IN3), "not applicable" (CA1), "unknown" inside a named rating (EN3).
ANSWERS = {
    "EN1": {"presence": "present", "influence": "strong"},
    "EN2": {"presence": "not_present"},
    "EN3": {"presence": "unknown"},
    "IN1": {"presence": "not_present"},
    "IN2": {"presence": "partly_present", "influence": "little"},
    "CA1": "not_applicable",
    "CA2": {"presence": "partly_present", "influence": "some"},
    "PR1": "strong",
    "PR2": "partial",
}


def _json(client, method, url, data, **extra):
    return getattr(client, method)(url, data, content_type="application/json", **extra)


def _detail(assessment):
    return reverse("api:assessment-detail", args=[assessment.uuid])


def _item(assessment, code):
    return reverse("api:assessment-item", args=[assessment.uuid, code])


def _factors(assessment):
    return reverse("api:assessment-factors", args=[assessment.uuid])


def _factor(assessment, factor_id):
    return reverse("api:assessment-factor", args=[assessment.uuid, factor_id])


def _action(name, assessment):
    return reverse(f"api:assessment-{name}", args=[assessment.uuid])


def _start(client, world, version):
    return _json(client, "post", reverse("api:person-assessments", args=[world.person_a.uuid]),
                 {"instrument_version": str(version.uuid)})


def _started(client, world) -> Assessment:
    """A draft structured profile of person A, started through the API."""
    return Assessment.objects.get(
        uuid=_start(client, world, world.profile_version).json()["uuid"])


def _rate(client, assessment, code, rating, evidence=EVIDENCE, **extra):
    return _json(client, "put", _item(assessment, code),
                 {"rating": rating, "evidence": evidence, **extra})


def _version(client, assessment) -> int:
    return client.get(_detail(assessment)).json()["version"]


def _row(body, code) -> dict:
    return next(r for r in body["ratings"] if r["item_code"] == code)


def _countersigned_profile(world, answers=ANSWERS) -> Assessment:
    """A structured profile of person A, complete, submitted by treatment A and countersigned by
    manager A (through the services: the API's own walk is the first test)."""
    actor = world.treatment_a
    draft = services.assessment_start(actor=actor, person=world.person_a,
                                      instrument_version=world.profile_version)
    for code, rating in answers.items():
        services.assessment_rate_item(actor=actor, assessment=draft, item_code=code,
                                      rating=rating, evidence=EVIDENCE)
    services.assessment_update(actor=actor, assessment=draft, expected_version=None,
                               sources=SOURCES, formulation="How it fits together",
                               domain_judgements=JUDGEMENTS)
    submitted = services.assessment_submit(actor=actor, assessment=draft, expected_version=None)
    return services.assessment_countersign(actor=world.manager_a, assessment=submitted,
                                           expected_version=None)


# --- the whole walk ------------------------------------------------------------------------------

def test_a_format_2_assessment_goes_from_start_to_countersignature_through_the_api(profile_certified):
    client = login(profile_certified.treatment_a)
    # given the structured profile, which a client picks by its format and where it is taken
    listed = client.get(reverse("api:instrument-list"), {"kind": "risk_needs"}).json()["results"]
    profile = next(r for r in listed if r["code"] == "alliance-structured-profile")
    assert (profile["format"], profile["taken_with"]) == (2, "assessment")
    definition = client.get(reverse("api:instrument-detail",
                                    args=[profile["uuid"]])).json()["definition"]
    en1 = definition["domains"][0]["items"][0]
    assert [r["code"] for r in en1["ratings"]] == ["presence", "influence"]

    # when treatment A starts it
    created = _start(client, profile_certified, profile_certified.profile_version)
    assert created.status_code == 201, created.json()
    body = created.json()
    draft = Assessment.objects.get(uuid=body["uuid"])
    assert body["formulation_only"] is True
    assert [(d["code"], d["judged"]) for d in body["domains"]] == [
        ("engagement", True), ("intent", True), ("capability", True), ("protective", False)]
    assert [(s["domain"], s["maximum"], s["added"]) for s in body["factor_slots"]] == [
        ("engagement", 2, 0), ("", 3, 0)]

    # named ratings, labelled part by part
    saved = _rate(client, draft, "EN1", ANSWERS["EN1"], stamp="")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["rating"] == {"presence": "present", "influence": "strong"}
    assert saved.json()["label"] == "Clearly present · Influence on offending: Strong"
    assert [(p["code"], p["name"], p["value"], p["label"]) for p in saved.json()["parts"]] == [
        ("presence", "Presence", "present", "Clearly present"),
        ("influence", "Influence on offending", "strong", "Strong")]
    # a colleague's newer rating is not overwritten
    assert _rate(client, draft, "EN1", {"presence": "partly_present"}, stamp="").status_code == 409

    # influence is rated only when the factor is at least partly present: 400 naming the item
    refused = _rate(client, draft, "EN2", {"presence": "not_present", "influence": "some"})
    assert refused.status_code == 400
    message = refused.json()["fields"]["rating"][0]
    assert message.startswith("EN2") and "influence is rated only when presence" in message
    assert "Partly present" in message
    assert not ItemRating.objects.filter(assessment=draft, item_code="EN2").exists()
    for code in ("EN2", "EN3", "IN1", "IN2", "CA2", "PR1", "PR2"):
        assert _rate(client, draft, code, ANSWERS[code]).status_code == 200, code

    # IN3 is asked only when IN1 is at least partly present; IN1 is not present
    not_asked = _rate(client, draft, "IN3", {"presence": "present", "influence": "some"})
    assert not_asked.status_code == 400
    assert not_asked.json()["fields"]["rating"][0].startswith("IN3 is asked only when IN1")
    # "not applicable" only where the item allows it
    not_allowed = _rate(client, draft, "EN1", "not_applicable")
    assert not_allowed.status_code == 400
    assert "EN1" in not_allowed.json()["fields"]["rating"][0]
    assert "not applicable" in not_allowed.json()["fields"]["rating"][0]
    # evidence is required at save time, and nothing is saved without it
    no_evidence = _rate(client, draft, "CA1", "not_applicable", evidence=" ")
    assert no_evidence.status_code == 400
    assert "CA1 needs its evidence" in no_evidence.json()["fields"]["evidence"][0]
    not_applicable = _rate(client, draft, "CA1", "not_applicable")
    assert not_applicable.status_code == 200
    assert (not_applicable.json()["label"], not_applicable.json()["parts"]) == (
        "Not applicable", [{"code": "", "name": "", "value": "not_applicable",
                            "label": "Not applicable"}])
    # a rating is cleared with null (the stamp still guards it)
    pr2 = _row(client.get(_detail(draft)).json(), "PR2")
    cleared = _rate(client, draft, "PR2", None, stamp=pr2["stamp"])
    assert cleared.status_code == 200
    assert (cleared.json()["rating"], cleared.json()["stamp"], cleared.json()["label"]) == (
        None, "", "")
    assert not ItemRating.objects.filter(assessment=draft, item_code="PR2").exists()
    assert _rate(client, draft, "PR2", ANSWERS["PR2"], stamp="").status_code == 200

    # additional factors: two in engagement, then the maximum is reached
    version = _version(client, draft)
    for name in ("Grievance about a brother's sentence", "Online mentor"):
        added = _json(client, "post", _factors(draft), {
            "version": version, "domain": "engagement", "name": name,
            "rating": {"presence": "present", "influence": "some"}, "evidence": EVIDENCE})
        assert added.status_code == 201, added.json()
        assert added.json()["assessment_version"] == version + 1
        version = added.json()["assessment_version"]
    assert added.json()["label"] == "Clearly present · Influence on offending: Some"
    assert added.json()["slot_label"] == "Other factors of engagement"
    third = _json(client, "post", _factors(draft), {
        "version": version, "domain": "engagement", "name": "A third",
        "rating": {"presence": "present"}, "evidence": EVIDENCE})
    assert third.status_code == 400
    assert "At most 2" in third.json()["fields"]["name"][0]
    stale = _json(client, "post", _factors(draft), {
        "version": version - 1, "domain": "", "name": "Debts", "rating": "present",
        "evidence": EVIDENCE})
    assert stale.status_code == 409
    wide = _json(client, "post", _factors(draft), {
        "version": version, "domain": "", "name": "Debts", "rating": "partly_present",
        "evidence": EVIDENCE})
    assert wide.status_code == 201 and wide.json()["slot_label"] == "Additional factors"
    # a factor is changed with its stamp, and removed with the assessment's version
    changed = _json(client, "put", _factor(draft, wide.json()["uuid"]), {
        "name": "Gambling debts", "rating": "present", "evidence": EVIDENCE,
        "stamp": wide.json()["stamp"]})
    assert changed.status_code == 200 and changed.json()["name"] == "Gambling debts"
    assert _json(client, "put", _factor(draft, wide.json()["uuid"]), {
        "name": "Debts", "rating": "present", "evidence": EVIDENCE,
        "stamp": wide.json()["stamp"]}).status_code == 409
    first = AdditionalFactor.objects.filter(assessment=draft, domain="engagement").first()
    assert client.delete(_factor(draft, first.uuid) + f"?version={version}").status_code == 409
    removed = client.delete(_factor(draft, first.uuid) + f"?version={version + 1}")
    assert removed.status_code == 200, removed.json()
    assert [f["name"] for f in removed.json()["additional_factors"]] == [
        "Online mentor", "Gambling debts"]
    assert client.delete(_factor(draft, first.uuid) + "?version=1").status_code == 404

    # submission lists what is missing: the domain judgements, the formulation, the sources
    version = removed.json()["version"]
    refused = _json(client, "post", _action("submit", draft), {"version": version})
    assert refused.status_code == 400
    assert {"domain_engagement", "domain_intent", "domain_capability", "formulation",
            "sources"} <= set(refused.json()["fields"])
    assert not any(key.startswith("item_") for key in refused.json()["fields"])
    # the overall judgement of this instrument is the formulation only
    level = _json(client, "patch", _detail(draft), {"version": version,
                                                    "overall_judgement": "low"})
    assert level.status_code == 400
    assert "formulation only" in level.json()["fields"]["overall_judgement"][0]
    wrong = _json(client, "patch", _detail(draft), {
        "version": version, "domain_judgements": {"engagement": {"judgement": "extreme"}}})
    assert wrong.status_code == 400
    assert "domain_judgements.engagement.judgement" in wrong.json()["fields"]
    patched = _json(client, "patch", _detail(draft), {
        "version": version, "domain_judgements": JUDGEMENTS, "sources": SOURCES,
        "formulation": "Belonging and a grievance, no intent to harm"})
    assert patched.status_code == 200, patched.json()
    # a domain's rationale alone is changed; its judgement is kept
    patched = _json(client, "patch", _detail(draft), {
        "version": patched.json()["version"],
        "domain_judgements": {"intent": {"rationale": "Rejects violence, consistently"}}})
    intent = next(d for d in patched.json()["domains"] if d["code"] == "intent")
    assert (intent["judgement"], intent["judgement_label"], intent["rationale"]) == (
        "low", "Low intent", "Rejects violence, consistently")
    assert patched.json()["submission_problems"] == {}

    # then it is submitted, and manager A countersigns it
    submitted = _json(client, "post", _action("submit", draft),
                      {"version": patched.json()["version"]})
    assert submitted.status_code == 200, submitted.json()
    countersigned = _json(login(profile_certified.manager_a), "post",
                          _action("countersign", draft), {"version": submitted.json()["version"]})
    assert countersigned.status_code == 200, countersigned.json()
    body = countersigned.json()
    assert (body["status"], body["countersigned_by"], body["overall_judgement"]) == (
        "countersigned", "manager_a", "")
    assert body["status_label"] == "Countersigned"
    assert [d["judgement_label"] for d in body["domains"]] == [
        "High engagement", "Low intent", "Moderate capability", ""]


# --- what the full assessment shows --------------------------------------------------------------

def test_the_assessment_shows_labels_in_albanian(profile_certified):
    final = _countersigned_profile(profile_certified)
    body = login(profile_certified.treatment_a).get(_detail(final),
                                                    HTTP_ACCEPT_LANGUAGE="sq").json()

    assert body["instrument"]["name"].startswith("Profil i strukturuar")
    en1 = _row(body, "EN1")
    assert en1["text"].startswith("Nevoja për identitet")
    assert en1["label"] == ("Qartësisht i pranishëm · Ndikimi në kryerjen e veprave penale: "
                            "Ndikim i fortë")
    assert [p["name"] for p in en1["parts"]] == ["Prania",
                                                 "Ndikimi në kryerjen e veprave penale"]
    assert _row(body, "PR1")["label"] == "E fortë"
    engagement = body["domains"][0]
    assert (engagement["name"], engagement["judgement_label"]) == (
        "Angazhimi", "Nivel i lartë i angazhimit")
    outputs = {o["type"]: o for o in body["advisory"]["outputs"]}
    needs = {n["code"]: n for n in outputs["needs"]["needs"]}
    assert needs["identity_belonging"]["label"] == "Identiteti, përkatësia dhe kuptimi"
    assert [i["code"] for i in needs["identity_belonging"]["items"]] == ["EN1"]
    assert outputs["protective_factors"]["label"] == "Faktorët mbrojtës të gjetur"
    assert outputs["protective_factors"]["protective_factors"] == [
        {"code": "PR1", "text": "E refuzon dhunën si mjet për të arritur një qëllim"},
        {"code": "PR2", "text": "Mbështetje nga familja që nuk është e përfshirë në ekstremizëm"}]
    subscales = {s["code"]: s for s in outputs["subscales"]["subscales"]}
    assert (subscales["engagement"]["label"], subscales["engagement"]["value"]) == (
        "Angazhimi", 2)
    assert subscales["capability"]["not_applicable"] == 1  # CA1 does not apply
    unknowns = {u["domain"]: u for u in outputs["unknowns"]["unknowns"]}
    assert (unknowns["engagement"]["name"], unknowns["engagement"]["count"]) == ("Angazhimi", 1)


def test_the_domain_profile_is_given_per_domain(profile_certified):
    final = _countersigned_profile(profile_certified)
    domains = {d["code"]: d for d in login(profile_certified.treatment_a).get(_detail(final))
               .json()["domains"]}

    engagement = domains["engagement"]["profile"]
    # EN1 present (1.0), EN2 not present (0.0), EN3 unknown
    assert (engagement["concern"], engagement["protection"]) == (0.5, None)
    assert (engagement["rated"], engagement["unknown"], engagement["items"]) == (3, 1, 3)
    assert domains["capability"]["profile"]["not_applicable"] == 1
    # PR1 strong (1.0), PR2 partial (0.5)
    assert domains["protective"]["profile"]["protection"] == 0.75
    assert domains["protective"]["name"] == "Protective factors"


def test_a_conditional_item_whose_condition_is_unmet_is_shown_as_not_asked(profile_certified):
    client = login(profile_certified.treatment_a)
    draft = _started(client, profile_certified)
    assert _row(client.get(_detail(draft)).json(), "IN3")["asked"] is False

    _rate(client, draft, "IN1", {"presence": "partly_present", "influence": "little"})

    assert _row(client.get(_detail(draft)).json(), "IN3")["asked"] is True
    assert _rate(client, draft, "IN3", {"presence": "present", "influence": "strong"}
                 ).status_code == 200


# --- change ------------------------------------------------------------------------------------

def test_a_protective_factor_gone_down_is_less_protection_and_worse(profile_certified):
    previous = _countersigned_profile(profile_certified)
    client = login(profile_certified.treatment_a)
    draft = _started(client, profile_certified)

    _rate(client, draft, "PR1", "partial")
    _rate(client, draft, "EN1", {"presence": "partly_present", "influence": "strong"})
    _rate(client, draft, "CA1", {"presence": "present", "timeframe": "current"})
    comparison = client.get(_detail(draft)).json()["comparison"]

    assert comparison["previous"] == str(previous.uuid)
    changes = {c["key"]: c for c in comparison["changes"]}
    pr1 = changes["PR1"]
    assert (pr1["change"], pr1["direction"], pr1["concern"]) == ("down", "protection", "worse")
    assert (pr1["change_label"], pr1["direction_label"]) == (
        "less protection", "higher is more protection")
    assert (pr1["before"], pr1["before_label"], pr1["after"], pr1["after_label"]) == (
        "strong", "Strong", "partial", "Partial")
    # a concern going down is the better news, in words too
    en1 = changes["EN1:presence"]
    assert (en1["change"], en1["concern"], en1["change_label"]) == ("down", "better",
                                                                    "less concern")
    assert (en1["rating_name"], en1["before_label"], en1["after_label"]) == (
        "Presence", "Clearly present", "Partly present")
    assert changes["EN1:influence"]["change"] == "unchanged"
    # what did not apply before is never a move
    ca1 = changes["CA1:presence"]
    assert (ca1["change"], ca1["concern"], ca1["before_label"]) == (
        "not_applicable", "", "Not applicable")
    # ratings not given in the draft yet are "no longer rated", not a move either
    assert changes["PR2"]["change"] == "removed" and changes["PR2"]["concern"] == ""


def test_a_change_in_albanian_says_less_protection_in_albanian_labels(profile_certified):
    _countersigned_profile(profile_certified)
    client = login(profile_certified.treatment_a)
    draft = _started(client, profile_certified)
    _rate(client, draft, "PR1", "partial")

    changes = client.get(_detail(draft), HTTP_ACCEPT_LANGUAGE="sq").json()["comparison"]["changes"]

    pr1 = next(c for c in changes if c["key"] == "PR1")
    assert (pr1["before_label"], pr1["after_label"]) == ("E fortë", "E pjesshme")
    assert pr1["text"] == "E refuzon dhunën si mjet për të arritur një qëllim"


# --- starting, and who may do what ------------------------------------------------------------

def test_a_checklist_is_started_as_an_assessment(profile_certified):
    version, _created = services.instrument_load(actor=None,
                                                 text=json.dumps(FORMAT_2_CHECKLIST),
                                                 filename="tiny-checklist.json")
    client = login(profile_certified.treatment_a)

    created = _start(client, profile_certified, version)

    assert created.status_code == 201, created.json()
    assert (created.json()["instrument"]["kind"], created.json()["instrument"]["taken_with"]) == (
        "checklist", "assessment")
    assert _rate(client, Assessment.objects.get(uuid=created.json()["uuid"]), "K1",
                 "yes").json()["label"] == "Yes"


@pytest.mark.parametrize(("kind", "where"), [("screening", "/screenings/"),
                                             ("alliance", "/alliance-measures/")])
def test_a_screening_or_an_alliance_measure_is_not_started_as_an_assessment(profile_certified,
                                                                             kind, where):
    version = getattr(profile_certified.instruments, kind)
    client = login(profile_certified.treatment_a)

    refused = _start(client, profile_certified, version)

    assert refused.status_code == 400
    message = refused.json()["fields"]["instrument_version"][0]
    assert f"/api/v1/persons/{profile_certified.person_a.uuid}{where}" in message
    assert not Assessment.objects.filter(instrument_version=version).exists()
    listed = client.get(reverse("api:instrument-list"), {"kind": kind}).json()["results"]
    assert {r["taken_with"] for r in listed} == {
        "screening" if kind == "screening" else "alliance_measure"}


def test_factors_are_refused_to_who_may_not_edit_and_unknown_elsewhere(profile_certified):
    client = login(profile_certified.treatment_a)
    draft = _started(client, profile_certified)
    factor = _json(client, "post", _factors(draft), {
        "version": _version(client, draft), "name": "Debts", "rating": "present",
        "evidence": EVIDENCE}).json()
    body = {"name": "Changed", "rating": "present", "evidence": EVIDENCE}

    for persona in ("treatment_b", "security_a", "manager_a"):  # the draft is not there for them
        other = login(getattr(profile_certified, persona))
        assert _json(other, "put", _factor(draft, factor["uuid"]), body).status_code == 404
        assert other.delete(_factor(draft, factor["uuid"]) + "?version=9").status_code == 404
        assert _json(other, "post", _factors(draft), {
            "version": 9, **body}).status_code == 404
    # a factor of another assessment is not one of this one's
    risk = profile_certified.draft
    assert _json(client, "put", _factor(risk, factor["uuid"]), body).status_code == 404
    # the format-1 instrument takes no additional factors
    none_here = _json(client, "post", _factors(risk), {"version": risk.version, **body})
    assert none_here.status_code == 400 and "domain" in none_here.json()["fields"]
    # and a removal needs the version
    missing = client.delete(_factor(draft, factor["uuid"]))
    assert missing.status_code == 400 and "version" in missing.json()["fields"]
    assert AdditionalFactor.objects.get(uuid=factor["uuid"]).name == "Debts"


def test_a_rating_of_the_wrong_shape_is_refused_before_the_service(profile_certified):
    client = login(profile_certified.treatment_a)
    draft = _started(client, profile_certified)

    for rating in ({"presence": True}, {"presence": ["present"]}, [1], True):
        refused = _rate(client, draft, "EN1", rating)
        assert refused.status_code == 400 and "rating" in refused.json()["fields"], rating
    # a one-rating answer to an item with named ratings: the service names what it expects
    refused = _rate(client, draft, "EN1", "present")
    assert refused.status_code == 400
    assert "EN1: give its ratings (presence, influence)" in refused.json()["fields"]["rating"][0]
    assert not ItemRating.objects.filter(assessment=draft).exists()
