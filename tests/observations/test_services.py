"""Dynamic security's writes, through the services: grading and its schemes, the entry fixed
once reviewed (addenda after), sharing with the case team (named members, roles, handling codes,
expiry, withdrawal), texts in every script of the region and attempts at injection, and the
audit of every write (never with the texts)."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone

from alliance.accounts.models import Role
from alliance.core.errors import Conflict
from alliance.core.models import AuditEvent
from alliance.observations import access, services
from alliance.observations.access import SummaryAction
from alliance.observations.models import (
    MAX_TEXT,
    Addendum,
    Analysis,
    Observation,
    ObservationLink,
    ObservationSettings,
    ObservationStatus,
    SharedSummary,
)
from alliance.observations.selectors import received_summaries
from alliance.people import services as people_services
from alliance.people.models import TimelineEvent
from alliance.work.models import Notification, Task

from ..conftest import login
from ..factories import member, person_fields
from . import builders
from .conftest import indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharing(world):
    """Person A with probation (identity scope) and the NGO worker on the case team."""
    return builders.case_team(world)


def errors_of(exc) -> dict:
    return exc.value.message_dict


def record(w, actor=None, **fields):
    base = {"actor": actor or w.security_a, "person": w.person_a,
            "observed_at": timezone.now() - datetime.timedelta(hours=2), "category": "behaviour",
            "verbatim": "Refused his meal and shouted at the officer.",
            "source_reliability": "B", "information_assessment": "2", "handling_code": "1"}
    return services.observation_record(**{**base, **fields})


def travel(monkeypatch, days: int) -> None:
    """Move the clock `days` days on (timezone.now, and so localdate, for every caller)."""
    real = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real() + datetime.timedelta(days=days))


# --- recording and grading -----------------------------------------------------------------------

def test_an_observation_without_its_grading_is_refused_with_a_reason_for_each(world):
    with pytest.raises(ValidationError) as exc:
        record(world, source_reliability="", information_assessment="", handling_code=" ")
    errors = errors_of(exc)
    assert set(errors) == {"source_reliability", "information_assessment", "handling_code"}
    assert "reliable" in errors["source_reliability"][0]
    assert "handling code" in errors["handling_code"][0]
    assert not Observation.objects.exists()


def test_a_grade_of_another_scheme_is_refused_by_name(world):
    with pytest.raises(ValidationError) as exc:
        record(world, source_reliability="Z", information_assessment="A", handling_code="P")
    errors = errors_of(exc)
    assert set(errors) == {"source_reliability", "information_assessment", "handling_code"}
    assert errors["handling_code"] == ["P is not a grade of the 5×5×5 (source, information, "
                                       "handling) scheme."]


def test_missing_facts_and_dates_out_of_range_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        record(world, verbatim="   ", category="gossip",
               observed_at=timezone.now() + datetime.timedelta(hours=2))
    assert set(errors_of(exc)) == {"verbatim", "category", "observed_at"}
    with pytest.raises(ValidationError) as exc:
        record(world, observed_at=timezone.now() - datetime.timedelta(days=400))
    assert "addendum" in errors_of(exc)["observed_at"][0]


def test_the_wing_is_taken_from_the_current_custody_episode(world):
    observation = record(world)
    assert (observation.unit, observation.facility) == (world.unit_a, world.prison_a)
    assert observation.scheme == "5x5x5" and observation.status == ObservationStatus.NEW


@pytest.mark.parametrize("persona", ["probation_officer", "ngo_worker", "treatment_b",
                                     "regional_coordinator", "dpo", "admin", "manager_other"])
def test_only_the_prisons_staff_and_the_security_scope_record(sharing, persona):
    with pytest.raises(PermissionDenied):
        record(sharing, getattr(sharing, persona))
    assert not Observation.objects.exists()


def test_the_jurisdictions_scheme_grades_new_observations_and_old_ones_keep_theirs(sharing):
    w = sharing
    before = record(w)
    ObservationSettings.objects.update_or_create(jurisdiction=w.j1,
                                                 defaults={"grading_scheme": "3x5x2"})
    # the 5×5×5 grades are no longer accepted
    with pytest.raises(ValidationError) as exc:
        record(w, source_reliability="B", information_assessment="2", handling_code="1")
    assert {"information_assessment", "handling_code"} <= set(errors_of(exc))
    after = record(w, source_reliability="1", information_assessment="A", handling_code="C")
    assert (after.scheme, before.scheme) == ("3x5x2", "5x5x5")
    assert services.scheme_for(w.person_a).code == "3x5x2"
    after = builders.review(w, after)
    # "C" keeps a summary within the recording agency: no role, no one from another agency
    with pytest.raises(ValidationError) as exc:
        builders.share(w, roles=[Role.TREATMENT_OFFICER], observations=[after])
    assert "roles" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        builders.share(w, recipients=[w.probation_officer], observations=[after])
    assert "recipients" in errors_of(exc)
    assert builders.share(w, recipients=[w.treatment_a], observations=[after])


def test_an_indicator_of_another_jurisdiction_is_refused(world):
    from alliance.observations.models import Indicator

    theirs = Indicator.objects.create(jurisdiction=world.j2, code="local", name="Local sign")
    with pytest.raises(ValidationError) as exc:
        record(world, indicators=[theirs])
    assert "indicators" in errors_of(exc)


# --- fixed once reviewed -------------------------------------------------------------------------

def test_the_author_corrects_an_observation_before_review(world):
    w = world
    observation = builders.own_new(w)
    corrected = services.observation_update(actor=w.treatment_a, observation=observation,
                                            expected_version=observation.version,
                                            verbatim="Shouted, then apologised.")
    assert corrected.verbatim == "Shouted, then apologised."
    assert corrected.version == observation.version + 1
    event = AuditEvent.objects.filter(object_type="observations.observation",
                                      action="change").latest("id")
    assert event.details == {"fields": ["verbatim"]} and event.person == w.person_a


def test_an_edit_after_review_is_refused_with_the_reason(world):
    w = world
    observation = builders.own_reviewed(w)
    with pytest.raises(ValidationError) as exc:
        services.observation_update(actor=w.treatment_a, observation=observation,
                                    expected_version=observation.version, verbatim="Changed")
    message = exc.value.messages[0]
    reviewed_on = formats.date_format(timezone.localtime(observation.reviewed_at),
                                      "SHORT_DATE_FORMAT")
    assert "reviewed on" in message and reviewed_on in message and "addendum" in message
    observation.refresh_from_db()
    assert observation.verbatim != "Changed"


def test_only_the_author_corrects_and_a_stale_correction_is_a_conflict(world):
    w = world
    observation = builders.own_new(w)
    for other in (w.security_a, w.analyst_a, w.manager_a):
        with pytest.raises(PermissionDenied):
            services.observation_update(actor=other, observation=observation,
                                        expected_version=observation.version, verbatim="X")
    stale = observation.version
    services.observation_update(actor=w.treatment_a, observation=observation,
                                expected_version=stale, opinion="He seemed tired.")
    with pytest.raises(Conflict):
        services.observation_update(actor=w.treatment_a, observation=observation,
                                    expected_version=stale, opinion="Overwritten")
    observation.refresh_from_db()
    assert observation.opinion == "He seemed tired."


def test_someone_who_may_not_touch_an_observation_is_refused_before_learning_its_state(world):
    """The services re-check the permission so that no interface can skip it (STYLE.md rule 3);
    they must do so before telling the caller anything about the record: a user of prison B,
    who does not see person A, learns neither its state, nor when it was reviewed, nor that its
    version moved on."""
    w = world
    fixed, new, shared = builders.own_reviewed(w), builders.own_new(w), builders.summary(w)
    calls = {
        "correct a reviewed one": lambda: services.observation_update(
            actor=w.treatment_b, observation=fixed, expected_version=fixed.version,
            verbatim="X"),
        "add to a new one": lambda: services.addendum_add(actor=w.treatment_b, observation=new,
                                                          text="X"),
        "review a reviewed one": lambda: services.observation_review(
            actor=w.treatment_b, observation=fixed, expected_version=fixed.version),
        "review with a wrong version": lambda: services.observation_review(
            actor=w.treatment_b, observation=new, expected_version=new.version + 5),
        "archive a new one": lambda: services.observation_archive(
            actor=w.treatment_b, observation=new, expected_version=None, reason="X"),
        "withdraw with a wrong version": lambda: services.share_withdraw(
            actor=w.treatment_b, summary=shared, expected_version=shared.version + 5,
            reason="X"),
    }
    told = []
    for name, call in calls.items():
        try:
            call()
        except PermissionDenied:
            continue
        except (ValidationError, Conflict) as exc:
            told.append(f"{name}: {exc}")
    assert not told, "\n".join(told)


def test_an_addendum_is_added_only_after_review_by_the_author_or_an_analyst(world):
    w = world
    new = builders.own_new(w)
    with pytest.raises(ValidationError) as exc:
        services.addendum_add(actor=w.treatment_a, observation=new, text="Forgot: at lunch.")
    assert "correct it directly" in exc.value.messages[0]
    fixed = builders.own_reviewed(w)
    with pytest.raises(PermissionDenied):
        services.addendum_add(actor=w.security_a, observation=fixed, text="Not mine to add.")
    services.addendum_add(actor=w.treatment_a, observation=fixed, text="It was at lunch.")
    services.addendum_add(actor=w.analyst_a, observation=fixed, text="Confirmed by CCTV.")
    assert list(Addendum.objects.filter(observation=fixed).values_list("text", flat=True)) == [
        "It was at lunch.", "Confirmed by CCTV."]
    with pytest.raises(ValidationError) as exc:
        services.addendum_add(actor=w.treatment_a, observation=fixed, text="  ")
    assert "text" in errors_of(exc)


def test_a_review_is_the_analysts_once_and_a_stale_one_is_a_conflict(world):
    w = world
    observation = builders.security_new(w)
    with pytest.raises(PermissionDenied):
        services.observation_review(actor=w.security_a, observation=observation,
                                    expected_version=observation.version)
    with pytest.raises(Conflict):
        services.observation_review(actor=w.analyst_a, observation=observation,
                                    expected_version=observation.version + 1)
    reviewed = builders.review(w, observation, feedback="Useful, thank you.")
    assert (reviewed.status, reviewed.reviewed_by, reviewed.feedback) == (
        ObservationStatus.REVIEWED, w.analyst_a, "Useful, thank you.")
    with pytest.raises(ValidationError) as exc:
        services.observation_review(actor=w.analyst_a, observation=reviewed,
                                    expected_version=reviewed.version)
    assert exc.value.messages == ["This observation has already been reviewed."]


def test_linking_needs_two_reviewed_observations_once(world):
    w = world
    reviewed, new = builders.security_reviewed(w), builders.security_new(w)
    with pytest.raises(ValidationError) as exc:
        services.observation_link(actor=w.analyst_a, observation=reviewed, other=new)
    assert "Review the observation" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.observation_link(actor=w.analyst_a, observation=reviewed, other=reviewed)
    other = builders.own_reviewed(w)
    with pytest.raises(PermissionDenied):
        services.observation_link(actor=w.security_a, observation=reviewed, other=other)
    link = services.observation_link(actor=w.analyst_a, observation=other, other=reviewed)
    assert link.first.pk < link.second.pk
    assert set(Observation.objects.filter(pk__in=[reviewed.pk, other.pk])
               .values_list("status", flat=True)) == {ObservationStatus.LINKED}
    with pytest.raises(ValidationError) as exc:
        services.observation_link(actor=w.analyst_a, observation=reviewed, other=other)
    assert "already linked" in errors_of(exc)["other"][0]
    services.observation_unlink(actor=w.analyst_a, link=link)
    assert not ObservationLink.objects.exists()


def test_archiving_needs_a_review_and_a_reason_and_is_stale_proof(world):
    w = world
    with pytest.raises(ValidationError):
        services.observation_archive(actor=w.analyst_a, observation=builders.security_new(w),
                                     expected_version=None, reason="Old")
    reviewed = builders.security_reviewed(w)
    with pytest.raises(ValidationError) as exc:
        services.observation_archive(actor=w.analyst_a, observation=reviewed,
                                     expected_version=reviewed.version, reason="")
    assert "reason" in errors_of(exc)
    with pytest.raises(Conflict):
        services.observation_archive(actor=w.analyst_a, observation=reviewed,
                                     expected_version=reviewed.version - 1, reason="Old")
    archived = services.observation_archive(actor=w.analyst_a, observation=reviewed,
                                            expected_version=reviewed.version,
                                            reason="Superseded by later reports.")
    assert archived.status == ObservationStatus.ARCHIVED
    assert not access.observations.grant(w.analyst_a, archived).can("archive")


def test_an_analysis_is_its_authors_to_change_and_stale_proof(world):
    w = world
    analysis = builders.analysis(w)
    other_analyst = member(w.prison_a, Role.SECURITY_ANALYST, sector="security")
    with pytest.raises(PermissionDenied):
        services.analysis_save(actor=other_analyst, person=w.person_a, text="Mine now",
                               analysis=analysis, expected_version=analysis.version)
    with pytest.raises(PermissionDenied):
        services.analysis_save(actor=w.security_a, person=w.person_a, text="New")
    services.analysis_save(actor=w.analyst_a, person=w.person_a, text="Revised",
                           analysis=analysis, expected_version=analysis.version)
    with pytest.raises(Conflict):
        services.analysis_save(actor=w.analyst_a, person=w.person_a, text="Stale",
                               analysis=analysis, expected_version=analysis.version)
    assert Analysis.objects.get(pk=analysis.pk).text == "Revised"


def test_an_analysis_of_one_person_is_not_saved_as_anothers(world):
    w = world
    other = people_services.person_create(actor=w.manager_a, **person_fields(
        w.prison_a, given_name="Driton", national_id="2002991450012"))
    theirs = services.analysis_save(actor=w.analyst_a, person=other, text="About Driton")
    with pytest.raises(ValidationError):
        services.analysis_save(actor=w.analyst_a, person=w.person_a, text="About Arben",
                               analysis=theirs, expected_version=theirs.version,
                               observations=[builders.security_reviewed(w)])
    assert Analysis.objects.get(pk=theirs.pk).text == "About Driton"


# --- sharing -------------------------------------------------------------------------------------

def test_a_summary_shared_with_a_named_member_of_the_team_reaches_them(sharing):
    w = sharing
    basis = builders.security_reviewed(w)
    shared = builders.share(w, recipients=[w.treatment_a, w.ngo_worker], observations=[basis])
    assert set(shared.recipients.values_list("user__username", flat=True)) == {"treatment_a",
                                                                              "ngo"}
    assert Observation.objects.get(pk=basis.pk).status == ObservationStatus.SHARED
    for user in (w.treatment_a, w.ngo_worker):
        assert list(access.summaries.visible(user)) == [shared]
        assert received_summaries(user, w.person_a) == [shared]
        told = Notification.objects.get(recipient=user, kind="summary_shared")
        assert told.params == {"reference": w.person_a.reference,
                               "expires_on": shared.expires_on.isoformat()}
        assert told.target_uuid == shared.uuid
    assert not access.summaries.visible(w.probation_officer).exists()
    assert not access.summaries.visible(w.manager_a).exists()


@pytest.mark.parametrize("outsider", ["treatment_b", "manager_other", "regional_coordinator"])
def test_sharing_with_someone_outside_the_case_team_is_refused_with_the_reason(world, outsider):
    w = world
    with pytest.raises(ValidationError) as exc:
        builders.share(w, recipients=[w.treatment_a, getattr(w, outsider)])
    message = errors_of(exc)["recipients"][0]
    assert "not on the case team" in message and w.person_a.reference in message
    assert not SharedSummary.objects.exists()


def test_a_probation_officer_off_the_team_is_outside_it(world):
    with pytest.raises(ValidationError) as exc:
        builders.share(world, recipients=[world.probation_officer])
    assert "not on the case team" in errors_of(exc)["recipients"][0]


def test_a_summary_needs_a_recipient_a_text_and_a_date_within_the_limit(sharing):
    w = sharing
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.share_create(actor=w.analyst_a, person=w.person_a, summary=" ",
                              expires_on=today)
    assert {"recipients", "summary", "expires_on"} <= set(errors_of(exc))
    with pytest.raises(ValidationError) as exc:
        builders.share(w, days=366)
    assert "365" in errors_of(exc)["expires_on"][0]
    with pytest.raises(ValidationError) as exc:
        builders.share(w, roles=[Role.REGIONAL_COORDINATOR])
    assert "roles" in errors_of(exc)


def test_only_the_analyst_shares(sharing):
    w = sharing
    for actor in (w.security_a, w.treatment_a, w.manager_a):
        with pytest.raises(PermissionDenied):
            services.share_create(actor=actor, person=w.person_a, summary="S",
                                  expires_on=timezone.localdate() + datetime.timedelta(days=5),
                                  recipients=[w.treatment_a])


def test_a_summary_draws_only_on_reviewed_current_observations_of_the_person(sharing):
    w = sharing
    with pytest.raises(ValidationError) as exc:
        builders.share(w, observations=[builders.security_new(w)])
    assert "observations" in errors_of(exc)
    other = people_services.person_create(actor=w.manager_a, **person_fields(
        w.prison_a, given_name="Driton", national_id="2002991450012"))
    theirs = builders.review(w, builders.observe(w, w.security_a, person=other))
    with pytest.raises(ValidationError) as exc:
        builders.share(w, observations=[theirs])
    assert w.person_a.reference in errors_of(exc)["observations"][0]


def test_the_holders_of_a_role_on_the_case_team_are_reached(sharing):
    w = sharing
    # given: a second probation officer, not on person A's team
    elsewhere = member(w.probation, Role.PROBATION_OFFICER)
    assert services.reached_users(w.person_a, [], [Role.TREATMENT_OFFICER]) == [w.treatment_a]
    assert services.reached_users(w.person_a, [], [Role.PROBATION_OFFICER]) == [
        w.probation_officer]
    assert set(services.reached_users(w.person_a, [w.ngo_worker], [Role.TREATMENT_OFFICER])) \
        == {w.treatment_a, w.ngo_worker}
    shared = builders.share(w, recipients=[], roles=[Role.PROBATION_OFFICER])
    assert list(shared.recipients.values_list("role", flat=True)) == [Role.PROBATION_OFFICER]
    assert list(access.summaries.visible(w.probation_officer)) == [shared]
    assert not access.summaries.visible(elsewhere).exists()
    assert not access.summaries.visible(w.treatment_b).exists()
    assert Notification.objects.filter(kind="summary_shared",
                                       recipient=w.probation_officer).count() == 1
    assert not Notification.objects.filter(kind="summary_shared", recipient=elsewhere).exists()


def test_a_summary_is_read_through_its_last_day_and_not_the_day_after(sharing, monkeypatch):
    w = sharing
    shared = builders.share(w, recipients=[w.treatment_a, w.ngo_worker], days=3)
    # on its last day (expires_on, inclusive)
    travel(monkeypatch, 3)
    assert timezone.localdate() == shared.expires_on
    assert list(access.summaries.visible(w.treatment_a)) == [shared]
    assert access.get_summary_for_user(w.treatment_a, shared.uuid)[0] == shared
    # the day after: gone from the lists; its recipients are told why, nobody else that it is
    travel(monkeypatch, 1)
    for recipient in (w.treatment_a, w.ngo_worker):
        assert not access.summaries.visible(recipient).exists()
        assert received_summaries(recipient, w.person_a) == []
        with pytest.raises(PermissionDenied) as exc:
            access.get_summary_for_user(recipient, shared.uuid)
        assert "expired" in str(exc.value)
        assert formats.date_format(shared.expires_on, "SHORT_DATE_FORMAT") in str(exc.value)
    with pytest.raises(Http404):
        access.get_summary_for_user(w.manager_a, shared.uuid)
    # the security side still reads what it shared; nobody withdraws an expired summary
    assert access.summaries.grant(w.analyst_a, shared).actions == {SummaryAction.VIEW}
    with pytest.raises(ValidationError) as exc:
        services.share_withdraw(actor=w.analyst_a, summary=shared,
                                expected_version=shared.version, reason="Too late")
    assert "expired" in exc.value.messages[0]


def test_a_summary_must_last_beyond_today(sharing):
    with pytest.raises(ValidationError) as exc:
        builders.share(sharing, days=0)
    assert "after today" in errors_of(exc)["expires_on"][0]


def test_the_analyst_withdraws_a_summary_with_the_reason(sharing):
    w = sharing
    shared = builders.share(w, recipients=[w.treatment_a])
    with pytest.raises(PermissionDenied):
        services.share_withdraw(actor=w.security_a, summary=shared,
                                expected_version=shared.version, reason="No")
    with pytest.raises(ValidationError) as exc:
        services.share_withdraw(actor=w.analyst_a, summary=shared,
                                expected_version=shared.version, reason="")
    assert "reason" in errors_of(exc)
    with pytest.raises(Conflict):
        services.share_withdraw(actor=w.analyst_a, summary=shared,
                                expected_version=shared.version + 1, reason="Wrong")
    withdrawn = services.share_withdraw(actor=w.analyst_a, summary=shared,
                                        expected_version=shared.version,
                                        reason="The information proved wrong.")
    assert withdrawn.withdrawn_by == w.analyst_a and withdrawn.withdrawn_at
    assert not access.summaries.visible(w.treatment_a).exists()
    with pytest.raises(PermissionDenied) as exc:
        access.get_summary_for_user(w.treatment_a, shared.uuid)
    assert "withdrawn" in str(exc.value)
    assert access.get_summary_for_user(w.security_a, shared.uuid)[0] == shared
    with pytest.raises(ValidationError) as exc:
        services.share_withdraw(actor=w.analyst_a, summary=withdrawn,
                                expected_version=withdrawn.version, reason="Again")
    assert "already been withdrawn" in exc.value.messages[0]


# --- handling codes ------------------------------------------------------------------------------

def test_a_summary_may_not_draw_on_an_observation_with_handling_code_5(sharing):
    w = sharing
    secret = builders.review(w, builders.observe(w, w.security_a, handling="5"))
    with pytest.raises(ValidationError) as exc:
        builders.share(w, recipients=[w.treatment_a], observations=[secret])
    assert "no further dissemination" in errors_of(exc)["observations"][0]


def test_handling_code_3_keeps_a_summary_within_the_recording_agency(sharing):
    w = sharing
    agency_only = builders.review(w, builders.observe(w, w.security_a, handling="3"))
    with pytest.raises(ValidationError) as exc:
        builders.share(w, recipients=[], roles=[Role.TREATMENT_OFFICER],
                       observations=[agency_only])
    assert "name the recipients" in errors_of(exc)["roles"][0]
    with pytest.raises(ValidationError) as exc:
        builders.share(w, recipients=[w.treatment_a, w.probation_officer],
                       observations=[agency_only])
    assert "outside the agency" in errors_of(exc)["recipients"][0]
    shared = builders.share(w, recipients=[w.treatment_a, w.manager_a],
                            observations=[agency_only])
    assert shared.recipients.count() == 2


def test_the_narrowest_handling_code_of_the_basis_decides(sharing):
    w = sharing
    wide = builders.review(w, builders.observe(w, w.security_a, handling="1"))
    narrow = builders.review(w, builders.observe(w, w.security_a, handling="4"))
    with pytest.raises(ValidationError) as exc:
        builders.share(w, recipients=[w.ngo_worker], observations=[wide, narrow])
    assert "recipients" in errors_of(exc)
    assert builders.share(w, recipients=[w.ngo_worker], observations=[wide])


def test_a_summary_drawing_on_an_analysis_of_a_code_5_observation_is_refused(sharing):
    """The analysis reads an observation that may go nowhere: a summary of the analysis draws
    on it as surely as one that names it (services.share_create checks only `observations`)."""
    w = sharing
    secret = builders.review(w, builders.observe(w, w.security_a, handling="5"))
    analysis = services.analysis_save(actor=w.analyst_a, person=w.person_a,
                                      text="Reads the informant's report.",
                                      observations=[secret])
    with pytest.raises(ValidationError):
        builders.share(w, recipients=[w.ngo_worker], analysis=analysis)


# --- texts in every script, and injection attempts -----------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SENTENCES = {
    "sq": "Tha: „Nuk do të shkoj në punëtori”; çdo ditë e më keq. Ë ë Ç ç.",
    "sr-cyrl": "Рекао је: „Ђорђе, ћути, џелат долази.” Ђ ђ Ћ ћ Џ џ.",
    "sr-latn": "Rekao je: „Đorđe, ćuti, žena dolazi.” Đ đ Ž ž Ć ć.",
    "mk": "Рече: „Ѓорѓи, ќе дојдам, ѕвездата е ноќе.” Ѓ ѓ Ќ ќ Ѕ ѕ.",
}


def long_text(language: str) -> str:
    """More than 10 000 characters in one language, with both injection attempts in it."""
    line = f"{SENTENCES[language]} {SCRIPT} {IMG}\n"
    text = line * (10_500 // len(line) + 1)
    assert 10_000 < len(text) < MAX_TEXT
    return text.strip()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_long_texts_in_each_script_are_stored_encrypted_and_read_back_intact(sharing, language):
    w = sharing
    text = long_text(language)
    observation = builders.observe(w, w.security_a, verbatim=text, context=text[::-1],
                                   opinion=text.upper())
    observation = builders.review(w, observation, feedback=text)
    addendum = services.addendum_add(actor=w.analyst_a, observation=observation, text=text)
    other = builders.review(w, builders.observe(w, w.security_a))
    link = services.observation_link(actor=w.analyst_a, observation=observation, other=other,
                                     note=text)
    analysis = services.analysis_save(actor=w.analyst_a, person=w.person_a, text=text,
                                      observations=[observation])
    shared = builders.share(w, summary=text, observations=[observation], analysis=analysis)
    shared = services.share_withdraw(actor=w.analyst_a, summary=shared,
                                     expected_version=shared.version, reason=text)
    archived = services.observation_archive(actor=w.analyst_a, observation=other,
                                            expected_version=None, reason=text)
    stored = Observation.objects.get(pk=observation.pk)
    assert (stored.verbatim, stored.context, stored.opinion, stored.feedback) == (
        text, text[::-1], text.upper(), text)
    assert Addendum.objects.get(pk=addendum.pk).text == text
    assert ObservationLink.objects.get(pk=link.pk).note == text
    assert Analysis.objects.get(pk=analysis.pk).text == text
    stored_summary = SharedSummary.objects.get(pk=shared.pk)
    assert (stored_summary.summary, stored_summary.withdrawn_reason) == (text, text)
    assert Observation.objects.get(pk=archived.pk).archived_reason == text
    # at rest, none of it is readable
    sentence = SENTENCES[language]
    for table, column, pk in (("observations_observation", "verbatim", observation.pk),
                              ("observations_observation", "feedback", observation.pk),
                              ("observations_addendum", "text", addendum.pk),
                              ("observations_observationlink", "note", link.pk),
                              ("observations_analysis", "text", analysis.pk),
                              ("observations_sharedsummary", "summary", shared.pk),
                              ("observations_sharedsummary", "withdrawn_reason", shared.pk)):
        raw = _raw(table, column, pk)
        assert sentence not in raw and "script" not in raw, (table, column)


def test_a_text_over_the_limit_is_refused_with_the_limit(world):
    with pytest.raises(ValidationError) as exc:
        record(world, verbatim="ë" * (MAX_TEXT + 1))
    assert str(MAX_TEXT) in errors_of(exc)["verbatim"][0]


def test_the_observation_page_shows_injected_text_as_text(world):
    w = world
    text = "\n".join(SENTENCES.values()) + f"\n{SCRIPT}\n{IMG}"
    observation = builders.observe(w, w.security_a, verbatim=text, opinion=IMG)
    response = login(w.security_a).get(reverse("observations:observation",
                                               args=[observation.uuid]), {"purpose": "review"})
    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    for sentence in SENTENCES.values():
        assert sentence in html


# --- the audit of every write --------------------------------------------------------------------

MARKER = "AUDITCANARYQ"


def test_every_write_is_audited_with_the_person_and_never_the_text(sharing):
    w = sharing
    start = AuditEvent.objects.latest("id").pk

    def audited(call, object_type, action):
        last = AuditEvent.objects.latest("id").pk
        result = call()
        events = AuditEvent.objects.filter(pk__gt=last, object_type=object_type, action=action,
                                           outcome="success", person=w.person_a)
        assert events.exists(), f"no {action} of {object_type} naming person A"
        return result

    obs = "observations.observation"
    observation = audited(lambda: builders.observe(
        w, w.treatment_a, verbatim=MARKER, context=MARKER, opinion=MARKER,
        indicators=[indicator()]), obs, "create")
    observation = audited(lambda: services.observation_update(
        actor=w.treatment_a, observation=observation, expected_version=observation.version,
        verbatim=MARKER + " corrected", context=MARKER + " more"), obs, "change")
    observation = audited(lambda: builders.review(w, observation, feedback=MARKER), obs,
                          "change")
    audited(lambda: services.addendum_add(actor=w.treatment_a, observation=observation,
                                          text=MARKER), "observations.addendum", "create")
    other = builders.review(w, builders.observe(w, w.security_a, verbatim=MARKER))
    link = audited(lambda: services.observation_link(
        actor=w.analyst_a, observation=observation, other=other, note=MARKER),
        "observations.observationlink", "create")
    analysis = audited(lambda: services.analysis_save(
        actor=w.analyst_a, person=w.person_a, text=MARKER, observations=[other]),
        "observations.analysis", "create")
    audited(lambda: services.analysis_save(
        actor=w.analyst_a, person=w.person_a, text=MARKER + "2", analysis=analysis,
        expected_version=analysis.version), "observations.analysis", "change")
    shared = audited(lambda: builders.share(w, summary=MARKER, observations=[other],
                                            analysis=analysis),
                     "observations.sharedsummary", "disclose")
    audited(lambda: services.share_withdraw(actor=w.analyst_a, summary=shared,
                                            expected_version=shared.version, reason=MARKER),
            "observations.sharedsummary", "change")
    audited(lambda: services.observation_unlink(actor=w.analyst_a, link=link),
            "observations.observationlink", "delete")
    audited(lambda: services.observation_archive(actor=w.analyst_a, observation=other,
                                                 expected_version=None, reason=MARKER),
            obs, "change")
    events = AuditEvent.objects.filter(pk__gt=start)
    assert events.count() > 10
    for event in events:
        assert MARKER not in json.dumps(event.details, ensure_ascii=False), event.object_type
        assert MARKER not in event.purpose
    # and nothing else that is not security material carries it either
    for params in [*Notification.objects.values_list("params", flat=True),
                   *Task.objects.values_list("params", flat=True),
                   *TimelineEvent.objects.values_list("params", flat=True)]:
        assert MARKER not in json.dumps(params, ensure_ascii=False)
    disclosed = AuditEvent.objects.get(object_type="observations.sharedsummary",
                                       action="disclose")
    assert disclosed.details["recipients"] == ["treatment_a"]
    assert disclosed.details["observations"] == [str(other.uuid)]
