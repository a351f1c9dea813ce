"""Follow-ups after release: scheduled from the release date, recorded with coded outcomes or
marked missed once their date has passed; a concern tells the case manager."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.people.models import TimelineEvent
from alliance.release import services
from alliance.release import work as release_work
from alliance.release.models import FollowUp, FollowUpStatus
from alliance.release.services.common import settings_for
from alliance.release.services.follow_ups import follow_ups_ensure
from alliance.work.models import Notification, Task

from .builders import ensure_releasing, hand_over, release, released

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
OUTCOMES = dict(contact_kind="office", engagement="engaged", housing="stable", work="employed",
                new_offence="no", reengagement="none")


def last_31_january() -> datetime.date:
    today = TODAY()
    year = today.year if today >= datetime.date(today.year, 1, 31) else today.year - 1
    return datetime.date(year, 1, 31)


def follow_ups(w) -> dict:
    return {f.offset: f for f in FollowUp.objects.filter(person=w.person_a)}


def record(w, follow_up, actor=None, **changes):
    values = {**OUTCOMES, "held_on": max(follow_up.due_on, w.episode_a.ended_on)
              if follow_up.due_on <= TODAY() else TODAY(), **changes}
    return services.follow_up_record(actor=actor or w.probation_officer, follow_up=follow_up,
                                     expected_version=None, **values)


# --- scheduling ---------------------------------------------------------------------------------------

def test_the_follow_ups_are_scheduled_at_release_with_month_ends_clamped(releasing):
    w = releasing
    released_on = last_31_january()
    released(w, released_on=released_on)
    due = {code: f.due_on for code, f in follow_ups(w).items()}
    year = released_on.year
    feb_end = 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28
    assert due == {"1w": datetime.date(year, 2, 7), "1m": datetime.date(year, 2, feb_end),
                   "3m": datetime.date(year, 4, 30), "6m": datetime.date(year, 7, 31),
                   "12m": datetime.date(year + 1, 1, 31)}
    assert {f.status for f in follow_ups(w).values()} == {FollowUpStatus.SCHEDULED}
    assert TimelineEvent.objects.get(kind="follow_ups_scheduled").params == {"count": 5}
    assert AuditEvent.objects.filter(object_type="release.followup", action="create").count() == 1


def test_an_end_of_sentence_release_is_followed_up_too(releasing):
    w = releasing
    release(w, release_type="end_of_sentence")
    assert len(follow_ups(w)) == 5


def test_a_deportation_is_not_followed_up(releasing):
    w = releasing
    episode = release(w, release_type="deportation")
    assert not FollowUp.objects.exists()
    assert follow_ups_ensure(episode) == 0
    assert not TimelineEvent.objects.filter(kind="follow_ups_scheduled").exists()


def test_a_transfer_is_not_a_release(releasing):
    w = releasing
    with pytest.raises(ValidationError) as refused:
        release(w, release_type="transfer")
    assert "release_type" in refused.value.message_dict


def test_a_release_in_the_future_is_refused(releasing):
    w = releasing
    with pytest.raises(ValidationError) as refused:
        release(w, released_on=TODAY() + datetime.timedelta(days=1))
    assert "released_on" in refused.value.message_dict


def test_scheduling_again_creates_nothing(releasing):
    w = released(releasing)
    assert follow_ups_ensure(w.episode_a) == 0
    assert FollowUp.objects.count() == 5


def test_the_jurisdiction_chooses_its_offsets_and_a_repeated_one_counts_once(releasing):
    config = settings_for(releasing.j1)
    config.follow_up_offsets = ["2w", "2m", "2m"]
    config.save()
    w = released(releasing)
    assert sorted(follow_ups(w)) == ["2m", "2w"]


def test_follow_ups_fall_to_probation_even_when_the_release_came_before_the_acknowledgement(
        releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    release(w)
    assert {f.agency for f in follow_ups(w).values()} == {w.prison_a}  # still responsible
    services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                  expected_version=None)
    assert {f.agency for f in follow_ups(w).values()} == {w.probation}


# --- recording -----------------------------------------------------------------------------------------

@pytest.fixture
def after_release(releasing):
    """Person A released two months ago (so the first two follow-ups are due), handed over."""
    w = ensure_releasing(releasing)
    hand_over(w)
    release(w, released_on=TODAY() - datetime.timedelta(days=62))
    return w


def test_a_follow_up_is_recorded_with_its_outcomes(after_release):
    w = after_release
    follow_up = follow_ups(w)["1w"]
    release_work.sync_follow_up_task(follow_up, today=TODAY())  # as the daily job does
    task = Task.objects.get(source_uuid=follow_up.uuid, kind="follow_up_due")
    assert (task.status, task.assignee_agency, task.assignee_role) == (
        "open", w.probation, "probation_officer")
    held = record(w, follow_up, notes="Came on time", housing="temporary", work="unknown")
    held.refresh_from_db()
    assert (held.status, held.housing, held.work, held.engagement, held.notes,
            held.recorded_by) == (FollowUpStatus.HELD, "temporary", "unknown", "engaged",
                                  "Came on time", w.probation_officer)
    assert Task.objects.get(source_uuid=follow_up.uuid).status == "done"
    assert TimelineEvent.objects.filter(kind="follow_up_recorded",
                                        params={"offset": "1w"}).exists()
    event = AuditEvent.objects.filter(object_uuid=str(follow_up.uuid)).latest("id")
    assert event.details["housing"] == "temporary"
    assert "Came on time" not in str(event.details)  # the notes stay out of the trail
    # recorded once
    with pytest.raises(ValidationError):
        record(w, held)


def test_a_follow_up_dated_before_the_release_is_refused_with_the_reason(after_release):
    w = after_release
    with pytest.raises(ValidationError) as refused:
        record(w, follow_ups(w)["1w"],
               held_on=w.episode_a.ended_on - datetime.timedelta(days=1))
    assert "before the release" in refused.value.message_dict["held_on"][0]
    assert follow_ups(w)["1w"].status == FollowUpStatus.SCHEDULED


def test_a_follow_up_in_the_future_is_refused(after_release):
    w = after_release
    with pytest.raises(ValidationError) as refused:
        record(w, follow_ups(w)["3m"], held_on=TODAY() + datetime.timedelta(days=1))
    assert "held_on" in refused.value.message_dict


def test_every_outcome_is_answered_not_known_being_an_answer(after_release):
    w = after_release
    with pytest.raises(ValidationError) as refused:
        record(w, follow_ups(w)["1w"], housing="", work="maybe", new_offence="", engagement="")
    assert set(refused.value.message_dict) == {"housing", "work", "new_offence", "engagement"}
    held = record(w, follow_ups(w)["1w"], housing="unknown", work="unknown",
                  new_offence="unknown", reengagement="unknown")
    assert held.status == FollowUpStatus.HELD


@pytest.mark.parametrize("outcome", [{"new_offence": "yes"}, {"reengagement": "concern"},
                                     {"reengagement": "confirmed"}])
def test_a_concern_tells_the_case_manager(after_release, outcome):
    w = after_release
    follow_up = record(w, follow_ups(w)["1m"], **outcome)
    assert follow_up.concern
    sent = Notification.objects.get(kind="follow_up_concern")
    assert (sent.recipient, sent.person, sent.target_uuid) == (w.manager_a, w.person_a,
                                                               follow_up.uuid)
    assert sent.params == {"reference": w.person_a.reference}


def test_no_concern_no_notification(after_release):
    w = after_release
    record(w, follow_ups(w)["1m"], new_offence="unknown", reengagement="unknown")
    assert not Notification.objects.filter(kind="follow_up_concern").exists()


def test_a_follow_up_is_missed_only_after_its_date(after_release):
    w = after_release
    later = follow_ups(w)["3m"]
    assert later.due_on > TODAY()
    with pytest.raises(ValidationError):
        services.follow_up_missed(actor=w.probation_officer, follow_up=later,
                                  expected_version=None, notes="Did not come")
    first = follow_ups(w)["1w"]
    with pytest.raises(ValidationError) as refused:
        services.follow_up_missed(actor=w.probation_officer, follow_up=first,
                                  expected_version=None, notes="")
    assert "notes" in refused.value.message_dict
    missed = services.follow_up_missed(actor=w.probation_officer, follow_up=first,
                                       expected_version=None, notes="Phoned three times")
    assert missed.status == FollowUpStatus.MISSED
    assert TimelineEvent.objects.filter(kind="follow_up_missed").count() == 1
    with pytest.raises(ValidationError):  # not missed twice
        services.follow_up_missed(actor=w.probation_officer, follow_up=missed,
                                  expected_version=None, notes="Again")


def test_who_only_reads_cannot_record(after_release):
    w = after_release
    for user in (w.security_a, w.treatment_a, w.treatment_b):
        with pytest.raises(PermissionDenied):
            record(w, follow_ups(w)["1w"], actor=user)
