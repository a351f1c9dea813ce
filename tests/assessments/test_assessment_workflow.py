"""The assessment workflow through its services: draft → submitted → countersigned or returned
→ superseded, with the accreditation gate and the bad-input refusals of the issue."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.assessments import services
from alliance.assessments.models import Assessment, AssessmentDue, Certification, ItemRating
from alliance.assessments.selectors import comparison, latest_needs, previous_of
from alliance.core.errors import Conflict

from ..conftest import complete_ratings

pytestmark = pytest.mark.django_db

SOURCES = [{"kind": "interview", "description": "Interview", "on": "2026-11-01"}]


def _ready(world, assessment=None):
    assessment = assessment or world.draft
    complete_ratings(assessment, world.treatment_a)
    return services.assessment_update(
        actor=world.treatment_a, assessment=assessment, expected_version=None, sources=SOURCES,
        formulation="How it fits together", overall_judgement="moderate",
        judgement_rationale="Because of the evidence")


def _final(world, assessment=None):
    a = services.assessment_submit(actor=world.treatment_a, assessment=_ready(world, assessment),
                                   expected_version=None)
    return services.assessment_countersign(actor=world.manager_a, assessment=a,
                                           expected_version=None)


def test_it_goes_from_draft_to_countersigned_and_schedules_the_next(assessing):
    a = _final(assessing)
    assert a.status == "countersigned" and a.countersigned_by == assessing.manager_a
    due = AssessmentDue.objects.get(person=assessing.person_a)
    assert due.reason == "interval"
    assert due.due_on > datetime.date.today() + datetime.timedelta(days=170)


def test_it_refuses_a_rating_outside_the_scale(assessing):
    with pytest.raises(ValidationError) as excinfo:
        services.assessment_rate_item(actor=assessing.treatment_a, assessment=assessing.draft,
                                      item_code="BA1", rating="extreme")
    assert "not on the item's scale" in str(excinfo.value)
    assert not ItemRating.objects.filter(assessment=assessing.draft).exists()


def test_it_refuses_submission_with_items_missing_and_says_which(assessing):
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=assessing.draft,
                                  item_code="BA1", rating="low", evidence="x")
    with pytest.raises(ValidationError) as excinfo:
        services.assessment_submit(actor=assessing.treatment_a, assessment=assessing.draft,
                                   expected_version=None)
    problems = excinfo.value.message_dict
    assert "item_BA2" in problems and "item_BA1" not in problems
    assert "sources" in problems and "judgement_rationale" in problems
    assert Assessment.objects.get(pk=assessing.draft.pk).status == "draft"


def test_it_refuses_submission_by_an_uncertified_assessor(assessing):
    Certification.objects.filter(user=assessing.treatment_a).update(
        expires_on=datetime.date.today() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="not currently certified"):
        services.assessment_submit(actor=assessing.treatment_a,
                                   assessment=_ready(assessing), expected_version=None)


def test_a_certificate_for_other_versions_does_not_count(assessing):
    Certification.objects.filter(user=assessing.treatment_a).update(min_version="2.0")
    with pytest.raises(ValidationError, match="not currently certified"):
        services.assessment_submit(actor=assessing.treatment_a,
                                   assessment=_ready(assessing), expected_version=None)


def test_it_refuses_countersignature_by_the_author(assessing):
    a = services.assessment_submit(actor=assessing.treatment_a, assessment=_ready(assessing),
                                   expected_version=None)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.assessment_countersign(actor=assessing.treatment_a, assessment=a,
                                        expected_version=None)
    assert Assessment.objects.get(pk=a.pk).status == "submitted"


def test_it_refuses_countersignature_by_a_co_assessor_even_a_manager(assessing):
    from alliance.accounts.models import Role

    from ..factories import member

    colleague = member(assessing.prison_a, Role.TREATMENT_OFFICER, Role.CASE_MANAGER,
                       sector="treatment")
    services.assessment_invite(actor=assessing.treatment_a, assessment=assessing.draft,
                               user=colleague)
    a = services.assessment_submit(actor=assessing.treatment_a, assessment=_ready(assessing),
                                   expected_version=None)
    with pytest.raises(ValidationError, match="took part"):
        services.assessment_countersign(actor=colleague, assessment=a,
                                        expected_version=None)



def test_a_returned_assessment_goes_back_to_its_assessors_with_comments(assessing):
    a = services.assessment_submit(actor=assessing.treatment_a, assessment=_ready(assessing),
                                   expected_version=None)
    with pytest.raises(ValidationError):
        services.assessment_return(actor=assessing.manager_a, assessment=a, comments=" ",
                                   expected_version=None)
    a = services.assessment_return(actor=assessing.manager_a, assessment=a,
                                   comments="Evidence for SC2 is thin", expected_version=None)
    assert a.status == "returned" and a.return_comments == "Evidence for SC2 is thin"
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=a, item_code="SC2",
                                  rating="low", evidence="Two officers' observations")
    a = services.assessment_submit(actor=assessing.treatment_a, assessment=a,
                                   expected_version=None)
    assert a.status == "submitted"


def test_a_countersigned_assessment_is_immutable(assessing):
    a = _final(assessing)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.assessment_rate_item(actor=assessing.treatment_a, assessment=a,
                                      item_code="BA1", rating="high")
    with pytest.raises(PermissionDenied):
        services.assessment_update(actor=assessing.treatment_a, assessment=a,
                                   expected_version=None, formulation="rewritten")
    assert Assessment.objects.get(pk=a.pk).formulation == "How it fits together"


def test_a_correction_is_a_new_version_that_supersedes_the_original(assessing):
    original = _final(assessing)
    with pytest.raises(ValidationError):
        services.assessment_correct(actor=assessing.treatment_a, assessment=original, reason="")
    draft = services.assessment_correct(actor=assessing.treatment_a, assessment=original,
                                        reason="BA1 was rated on the wrong interview")
    assert draft.corrects == original and draft.ratings.count() == original.ratings.count()
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=draft,
                                  item_code="BA1", rating="high", evidence="Corrected")
    services.assessment_submit(actor=assessing.treatment_a, assessment=draft,
                               expected_version=None)
    services.assessment_countersign(actor=assessing.manager_a, assessment=draft,
                                    expected_version=None)
    assert Assessment.objects.get(pk=original.pk).status == "superseded"
    rows = {r["item"].code: r["change"].change for r in comparison(draft)["rows"]}
    assert rows["BA1"] == "up"


def test_comparison_reports_newly_unknown_items(assessing):
    first = _final(assessing)
    second = services.assessment_start(actor=assessing.treatment_a, person=assessing.person_a,
                                       instrument_version=assessing.instruments.risk_needs)
    complete_ratings(second, assessing.treatment_a, rating="low")
    services.assessment_rate_item(actor=assessing.treatment_a, assessment=second,
                                  item_code="BA1", rating="unknown", evidence="Refused interview")
    changes = {r["item"].code: r["change"].change for r in comparison(second)["rows"]}
    assert comparison(second)["previous"] == first
    assert changes["BA1"] == "newly_unknown"
    assert "down" in changes.values()


def test_a_co_assessors_newer_rating_is_not_overwritten(assessing):
    first = services.assessment_rate_item(actor=assessing.treatment_a,
                                          assessment=assessing.draft, item_code="BA1",
                                          rating="low", evidence="Interview", expected_stamp="")
    with pytest.raises(Conflict):
        services.assessment_rate_item(actor=assessing.treatment_a, assessment=assessing.draft,
                                      item_code="BA1", rating="high", evidence="Interview",
                                      expected_stamp="")
    assert ItemRating.objects.get(pk=first.pk).rating == "low"


def test_a_security_officer_cannot_be_a_co_assessor(assessing):
    with pytest.raises(ValidationError):
        services.assessment_invite(actor=assessing.treatment_a, assessment=assessing.draft,
                                   user=assessing.security_a)


def test_the_needs_of_the_latest_countersigned_assessment_feed_the_plan(assessing):
    assert latest_needs(assessing.person_a)["assessment"] is None
    a = _final(assessing)
    result = latest_needs(assessing.person_a)
    assert result["assessment"] == a
    assert result["needs"]  # moderate ratings cross the instrument's needs threshold


def test_a_significant_event_marks_a_reassessment_due_now(assessing):
    _final(assessing)
    services.mark_reassessment_due(person=assessing.person_a, reason="significant_event",
                                   compartment="security", detail="observation_escalated",
                                   detail_params={"observed_on": datetime.date(2026, 11, 26),
                                                  "indicators": ["threatens"]})
    due = AssessmentDue.objects.get(person=assessing.person_a)
    assert due.due_on == datetime.date.today() and due.detail == "observation_escalated"
    assert due.detail_params == {"observed_on": "2026-11-26", "indicators": ["threatens"]}


def test_a_due_detail_must_be_a_code_not_a_sentence(assessing):
    with pytest.raises(ValueError, match="not a sentence"):
        services.mark_reassessment_due(person=assessing.person_a, reason="significant_event",
                                       compartment="security", detail="Observation escalated")
    assert not AssessmentDue.objects.filter(person=assessing.person_a).exists()


def test_the_assessment_content_is_encrypted_at_rest(assessing):
    from django.db import connection

    _ready(assessing)
    with connection.cursor() as cursor:
        cursor.execute("SELECT formulation, judgement_rationale FROM assessments_assessment "
                       "WHERE id = %s", [assessing.draft.pk])
        formulation, rationale = cursor.fetchone()
        cursor.execute("SELECT evidence FROM assessments_itemrating WHERE assessment_id = %s",
                       [assessing.draft.pk])
        evidence = cursor.fetchone()[0]
    assert "fits together" not in formulation and "evidence" not in rationale
    assert "Evidence for" not in evidence


def test_the_previous_assessment_taken_from_the_persons_list_is_the_one_read(assessing):
    """The person page takes the previous assessment from the person's assessments it has
    already read (previous_of(..., among=)); it is the one previous_of reads alone, for a
    correction, a later assessment and a first one."""
    first = _final(assessing)
    correction = services.assessment_correct(actor=assessing.treatment_a, assessment=first,
                                             reason="BA1 was rated on the wrong interview")
    services.assessment_submit(actor=assessing.treatment_a, assessment=correction,
                               expected_version=None)
    services.assessment_countersign(actor=assessing.manager_a, assessment=correction,
                                    expected_version=None)
    later = services.assessment_start(actor=assessing.treatment_a, person=assessing.person_a,
                                      instrument_version=assessing.instruments.risk_needs)
    among = list(Assessment.objects.filter(person=assessing.person_a)
                 .select_related("instrument_version").prefetch_related("ratings"))
    assert len(among) == 3
    expected = {first.pk: None, correction.pk: first.pk, later.pk: correction.pk}
    for a in among:
        read, taken = previous_of(a), previous_of(a, among=among)
        assert (getattr(read, "pk", None), getattr(taken, "pk", None)) == (
            expected[a.pk], expected[a.pk]), a
