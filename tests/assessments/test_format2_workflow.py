"""A format-2 assessment (the structured profile) through the services, from the first rating
to countersignature and correction: named ratings, not applicable, a conditional item,
additional factors up to their maximum, judgements per domain and a formulation that is the
overall judgement. Every write leaves its audit row."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from alliance.assessments import services
from alliance.assessments.instruments import NOT_APPLICABLE, UNKNOWN
from alliance.assessments.models import AdditionalFactor, Assessment, ItemRating
from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent

from ..conftest import FORMAT_2_CHECKLIST, PROFILE_ANSWERS

pytestmark = pytest.mark.django_db

SOURCES = [{"kind": "interview", "description": "Two interviews", "on": "2026-11-01"}]
JUDGEMENTS = {
    "engagement": {"judgement": "moderate", "rationale": "Belonging drives the engagement"},
    "intent": {"judgement": "low", "rationale": "No wish to harm anyone was voiced"},
    "capability": {"judgement": "moderate", "rationale": "Past violence, no current access"},
}


def rate(w, code, rating, evidence="Seen in the file and at interview", **kwargs):
    return services.assessment_rate_item(actor=w.treatment_a, assessment=w.profile,
                                         item_code=code, rating=rating, evidence=evidence,
                                         **kwargs)


def problems(assessment) -> dict[str, str]:
    with translation.override("en"):
        return services.submission_problems(Assessment.objects.get(pk=assessment.pk))


class Trail:
    """The audit rows written since it was opened, for one assessment."""

    def __init__(self, assessment):
        self.uuid = str(assessment.uuid)
        self.start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self) -> list[AuditEvent]:
        events = list(AuditEvent.objects.filter(id__gt=self.start, object_uuid=self.uuid)
                      .order_by("id"))
        if events:
            self.start = events[-1].id
        return events

    def one(self, **details) -> AuditEvent:
        events = self.new()
        assert len(events) == 1, [(e.action, e.details) for e in events]
        for key, value in details.items():
            assert events[0].details.get(key) == value, (key, events[0].details)
        return events[0]


def test_a_format_2_assessment_goes_from_first_rating_to_countersignature(profiling):
    w, draft = profiling, profiling.profile
    trail = Trail(draft)
    # given nothing yet: what is missing is said in words, for items, domains and formulation
    missing = problems(draft)
    assert missing["item_EN1"] == "EN1 is not rated."
    assert "item_IN3" not in missing  # not asked until IN1 is at least partly present
    assert missing["domain_engagement"] == "Give the judgement of Engagement."
    assert "domain_protective" not in missing  # a domain without a judgement
    assert missing["formulation"] == ("Write the formulation: for this instrument it is the "
                                      "overall judgement.")
    assert "overall_judgement" not in missing and "judgement_rationale" not in missing
    assert missing["sources"] == "Record at least one source of information consulted."

    # when every item is rated: named ratings, unknown, not applicable, the conditional item
    for code, rating in PROFILE_ANSWERS.items():
        rate(w, code, rating)
        event = trail.one(item=code, not_applicable=rating == NOT_APPLICABLE)
        assert event.action == "change" and event.person_id == w.person_a.pk
    assert ItemRating.objects.get(assessment=draft, item_code="EN1").rating == PROFILE_ANSWERS["EN1"]
    assert ItemRating.objects.get(assessment=draft, item_code="PR2").rating == NOT_APPLICABLE
    assert not any(key.startswith("item_") for key in problems(draft))

    # and additional factors are added, up to each slot's maximum
    for n in range(2):
        services.factor_add(actor=w.treatment_a, assessment=draft, domain="engagement",
                            name=f"Engagement factor {n}", evidence="Said so twice",
                            rating={"presence": "present", "influence": "some"})
        trail.one(domain="engagement")
    for n in range(3):
        services.factor_add(actor=w.treatment_a, assessment=draft, domain="",
                            name=f"Other factor {n}", rating="partly_present",
                            evidence="From the wing log")
        trail.one(domain="")
    assert AdditionalFactor.objects.filter(assessment=draft).count() == 5

    # and the domains are judged, one call merging into the others
    services.assessment_update(actor=w.treatment_a, assessment=draft, expected_version=None,
                               domain_judgements={"engagement": JUDGEMENTS["engagement"]})
    trail.one(fields=["domain_judgements"])
    services.assessment_update(actor=w.treatment_a, assessment=draft, expected_version=None,
                               domain_judgements={k: v for k, v in JUDGEMENTS.items()
                                                  if k != "engagement"})
    trail.one(fields=["domain_judgements"])
    assert Assessment.objects.get(pk=draft.pk).domain_judgements == JUDGEMENTS

    # and the formulation, the overall judgement of this instrument, is written with the sources
    services.assessment_update(actor=w.treatment_a, assessment=draft, expected_version=None,
                               sources=SOURCES, formulation="How the factors fit together")
    trail.one(fields=["formulation", "sources"])
    assert problems(draft) == {}

    # then it is submitted and countersigned
    draft = services.assessment_submit(actor=w.treatment_a, assessment=draft,
                                       expected_version=None)
    trail.one(status="submitted")
    final = services.assessment_countersign(actor=w.manager_a, assessment=draft,
                                            expected_version=None)
    assert final.status == "countersigned" and final.countersigned_by == w.manager_a
    assert {e.details.get("status") for e in trail.new()} == {"countersigned"}
    assert final.overall_judgement == ""
    # and the format-1 risk and needs draft of the same person is untouched by it
    assert Assessment.objects.get(pk=w.draft.pk).status == "draft"


def test_an_influence_left_empty_is_named_before_submission(profiling):
    rate(profiling, "EN1", {"presence": "present"})

    assert problems(profiling.profile)["item_EN1"] == "EN1: influence is not rated."


def test_an_influence_is_not_asked_of_a_factor_that_is_not_present(profiling):
    rate(profiling, "EN3", {"presence": "not_present"})

    assert "item_EN3" not in problems(profiling.profile)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        rate(profiling, "EN3", {"presence": "not_present", "influence": "strong"})
    assert caught.value.message_dict["rating"] == [
        "EN3: influence is rated only when presence is at least “Partly present”."]
    assert ItemRating.objects.get(item_code="EN3").rating == {"presence": "not_present"}


def test_a_conditional_item_is_refused_until_its_condition_is_met(profiling):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        rate(profiling, "IN3", {"presence": "present", "influence": "some"})

    assert caught.value.message_dict["rating"] == [
        "IN3 is asked only when IN1 presence is at least “Partly present”; leave it unrated, "
        "or change IN1 presence first."]
    rate(profiling, "IN1", {"presence": "present", "influence": "some"})
    rate(profiling, "IN3", {"presence": "present", "influence": "some"})
    assert problems(profiling.profile).get("item_IN3") is None


def test_a_conditional_item_left_rated_after_its_condition_falls_blocks_submission(profiling):
    rate(profiling, "IN1", {"presence": "present", "influence": "some"})
    rate(profiling, "IN3", {"presence": "present", "influence": "some"})

    rate(profiling, "IN1", {"presence": "not_present"})

    assert problems(profiling.profile)["item_IN3"] == (
        "IN3 is rated, but it is asked only when IN1 is at least “Partly present”: clear its "
        "rating, or change IN1.")
    trail = Trail(profiling.profile)
    services.assessment_rate_item(actor=profiling.treatment_a, assessment=profiling.profile,
                                  item_code="IN3", rating=None)
    trail.one(item="IN3", cleared=True)
    assert "item_IN3" not in problems(profiling.profile)


def test_not_applicable_is_refused_where_the_item_does_not_allow_it(profiling):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        rate(profiling, "EN1", NOT_APPLICABLE)

    assert caught.value.message_dict["rating"] == [
        "EN1: “not applicable” is not allowed for this item."]
    assert not ItemRating.objects.filter(assessment=profiling.profile).exists()


def test_a_rating_without_its_required_evidence_is_not_saved(profiling):
    trail = Trail(profiling.profile)

    with pytest.raises(ValidationError) as caught:
        rate(profiling, "PR1", "strong", evidence="  ")

    assert "evidence" in caught.value.message_dict
    assert not ItemRating.objects.filter(assessment=profiling.profile).exists()
    assert trail.new() == []


def test_a_co_assessor_s_newer_rating_is_never_overwritten(profiling):
    saved = rate(profiling, "PR1", "partial")
    stale = "2000-01-01T00:00:00+00:00"

    with pytest.raises(Conflict):
        rate(profiling, "PR1", "strong", expected_stamp=stale)
    rate(profiling, "PR1", "strong", expected_stamp=saved.rated_at.isoformat())

    assert ItemRating.objects.get(item_code="PR1").rating == "strong"


def test_additional_factors_stop_at_the_maximum_of_their_slot(profiling):
    w = profiling
    for n in range(2):
        services.factor_add(actor=w.treatment_a, assessment=w.profile, domain="engagement",
                            name=f"Factor {n}", rating={"presence": "partly_present"},
                            evidence="Seen")

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.factor_add(actor=w.treatment_a, assessment=w.profile, domain="engagement",
                            name="One too many", rating={"presence": "present"}, evidence="x")

    assert caught.value.message_dict["name"] == [
        "At most 2 additional factors can be added here."]
    assert AdditionalFactor.objects.filter(assessment=w.profile).count() == 2


@pytest.mark.parametrize(("domain", "name", "rating", "evidence", "field"), [
    ("protective", "A strength", "present", "Seen", "domain"),  # the slot does not exist
    ("intent", "A factor", {"presence": "present"}, "Seen", "domain"),
    ("engagement", "  ", {"presence": "present"}, "Seen", "name"),
    ("engagement", "A factor", {"presence": "present"}, " ", "evidence"),
    ("engagement", "A factor", "present", "Seen", "rating"),  # a bare value: ratings are named
    ("engagement", "A factor", {"presence": "not_present", "influence": "strong"}, "Seen",
     "rating"),
    ("", "A factor", "extreme", "Seen", "rating"),
])
def test_an_additional_factor_is_refused_with_the_field_at_fault(profiling, domain, name,
                                                                 rating, evidence, field):
    with pytest.raises(ValidationError) as caught:
        services.factor_add(actor=profiling.treatment_a, assessment=profiling.profile,
                            domain=domain, name=name, rating=rating, evidence=evidence)

    assert field in caught.value.message_dict
    assert not AdditionalFactor.objects.exists()


def test_an_additional_factor_is_changed_and_removed_with_audit(profiling):
    w = profiling
    factor = services.factor_add(actor=w.treatment_a, assessment=w.profile, domain="",
                                 name="Debts", rating="partly_present", evidence="Letters")
    trail = Trail(w.profile)

    factor = services.factor_update(actor=w.treatment_a, assessment=w.profile, factor=factor,
                                    name="Gambling debts", rating="present",
                                    evidence="Letters and calls",
                                    expected_stamp=factor.rated_at.isoformat())
    trail.one(additional_factor=str(factor.uuid))
    services.factor_remove(actor=w.treatment_a, assessment=w.profile, factor=factor)
    trail.one(additional_factor=str(factor.uuid), removed=True)

    assert not AdditionalFactor.objects.exists()


def test_a_domain_judgement_is_checked_and_its_rationale_required(profiling):
    w = profiling
    with pytest.raises(ValidationError) as unknown_domain:
        services.assessment_update(actor=w.treatment_a, assessment=w.profile,
                                   expected_version=None,
                                   domain_judgements={"protective": {"judgement": "low"}})
    with pytest.raises(ValidationError) as unknown_option:
        services.assessment_update(actor=w.treatment_a, assessment=w.profile,
                                   expected_version=None,
                                   domain_judgements={"intent": {"judgement": "extreme"}})
    services.assessment_update(actor=w.treatment_a, assessment=w.profile, expected_version=None,
                               domain_judgements={"intent": {"judgement": "low"}})

    assert "domain_judgements" in unknown_domain.value.message_dict
    assert "domain_intent" in unknown_option.value.message_dict
    assert problems(w.profile)["domain_intent"] == (
        "Give the rationale for the judgement of Intent.")


def test_a_formulation_only_instrument_takes_no_overall_level(profiling):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.assessment_update(actor=profiling.treatment_a, assessment=profiling.profile,
                                   expected_version=None, overall_judgement="high")

    assert caught.value.message_dict["overall_judgement"] == [
        "This instrument's overall judgement is the formulation only, with no level."]
    assert Assessment.objects.get(pk=profiling.profile.pk).overall_judgement == ""


def _countersigned(w):
    for code, rating in PROFILE_ANSWERS.items():
        rate(w, code, rating)
    services.factor_add(actor=w.treatment_a, assessment=w.profile, domain="engagement",
                        name="Status among peers", evidence="Wing reports",
                        rating={"presence": "present", "influence": "strong"})
    services.factor_add(actor=w.treatment_a, assessment=w.profile, domain="",
                        name="Debts", rating=UNKNOWN, evidence="Not yet known")
    services.assessment_update(actor=w.treatment_a, assessment=w.profile, expected_version=None,
                               domain_judgements=JUDGEMENTS, sources=SOURCES,
                               formulation="How it fits together")
    submitted = services.assessment_submit(actor=w.treatment_a, assessment=w.profile,
                                           expected_version=None)
    return services.assessment_countersign(actor=w.manager_a, assessment=submitted,
                                           expected_version=None)


def test_a_correction_copies_the_factors_and_the_domain_judgements(profiling):
    original = _countersigned(profiling)

    correction = services.assessment_correct(actor=profiling.treatment_a, assessment=original,
                                             reason="CA1 was rated from the wrong file")

    def factors(assessment):
        return sorted((f.domain, f.name, json.dumps(f.rating, sort_keys=True), f.evidence)
                      for f in AdditionalFactor.objects.filter(assessment=assessment))

    correction = Assessment.objects.get(pk=correction.pk)
    assert correction.corrects == original and correction.status == "draft"
    assert correction.domain_judgements == JUDGEMENTS
    assert factors(correction) == factors(original) != []
    assert {r.item_code: r.rating for r in correction.ratings.all()} == PROFILE_ANSWERS
    assert problems(correction) == {}
    # the original keeps its own rows: the correction's factors are copies
    AdditionalFactor.objects.filter(assessment=correction).delete()
    assert len(factors(original)) == 2


def test_a_countersigned_assessment_takes_no_more_factors(profiling):
    final = _countersigned(profiling)

    with pytest.raises(PermissionDenied):
        services.factor_add(actor=profiling.treatment_a, assessment=final, domain="",
                            name="Late", rating="present", evidence="x")

    assert AdditionalFactor.objects.filter(assessment=final).count() == 2


def test_a_checklist_is_taken_through_the_assessment_workflow(assessing):
    version, created = services.instrument_load(actor=None, text=json.dumps(FORMAT_2_CHECKLIST),
                                                filename="tiny-checklist.json")
    assert created

    checklist = services.assessment_start(actor=assessing.treatment_a, person=assessing.person_a,
                                          instrument_version=version)
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=checklist,
                                  item_code="K1", rating="yes")
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=checklist,
                                  item_code="K2", rating=NOT_APPLICABLE)

    assert checklist.status == "draft"
    assert not any(key.startswith("item_") for key in problems(checklist))


@pytest.mark.parametrize("kind", ["screening", "alliance"])
def test_screenings_and_alliance_measures_are_not_started_as_assessments(assessing, kind):
    version = getattr(assessing.instruments, kind)

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.assessment_start(actor=assessing.treatment_a, person=assessing.person_a,
                                  instrument_version=version)

    assert "screening form" in caught.value.messages[0]
    assert not Assessment.objects.filter(instrument_version=version).exists()
