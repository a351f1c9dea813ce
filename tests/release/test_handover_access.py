"""The handover: to a probation service on the case team, acknowledged by it alone; on release
responsibility and access pass with it — the prison keeps read access until a date, then loses
it; probation works on the person from then on."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.organisations.models import AgencyType
from alliance.people import services as people_services
from alliance.people.access import Action, person_grant, persons
from alliance.people.models import RetainedAccess, TimelineEvent
from alliance.release import services
from alliance.release.access import (
    ReleaseAction,
    follow_ups,
    get_person_for_release,
    handovers,
    release_grant,
    release_steps,
    support_plans,
)
from alliance.release.models import FollowUp, Handover, HandoverStatus
from alliance.work.models import Notification, Task
from tests.factories import AgencyFactory

from ..conftest import login
from .builders import add_to_team, hand_over, release, released

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PRISON_STAFF = ("treatment_a", "security_a", "manager_a")


def release_can(user, person, action) -> bool:
    return release_grant(user, person, person_grant(user, person)).can(action)


# --- sending ---------------------------------------------------------------------------------------

def test_a_handover_goes_only_to_an_agency_on_the_case_team(releasing):
    w = releasing
    elsewhere = AgencyFactory(jurisdiction=w.j1, name="Probation North",
                              type=AgencyType.PROBATION)
    with pytest.raises(ValidationError) as refused:
        services.handover_send(actor=w.manager_a, person=w.person_a, to_agency=elsewhere)
    assert "Probation North" in refused.value.message_dict["to_agency"][0]
    assert "case team" in refused.value.message_dict["to_agency"][0]
    assert not Handover.objects.exists()


def test_a_handover_goes_to_a_probation_service_not_to_the_division_or_the_prison(releasing):
    w = releasing
    assert services.receiving_agencies(w.person_a) == [w.probation]
    for agency in (w.ministry, w.prison_a):
        with pytest.raises(ValidationError) as refused:
            services.handover_send(actor=w.manager_a, person=w.person_a, to_agency=agency)
        assert "to_agency" in refused.value.message_dict


def test_there_is_one_live_handover_at_a_time(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    assert services.live_handover(w.person_a) == handover
    with pytest.raises(ValidationError) as refused:
        services.handover_send(actor=w.manager_a, person=w.person_a, to_agency=w.probation)
    assert "withdraw it first" in refused.value.messages[0]
    # once withdrawn, a new one may go
    services.handover_withdraw(actor=w.manager_a, handover=handover, expected_version=None,
                               reason="Wrong release date")
    assert services.live_handover(w.person_a) is None
    again = services.handover_send(actor=w.manager_a, person=w.person_a, to_agency=w.probation)
    assert again.status == HandoverStatus.SENT


def test_the_package_records_what_was_handed_over(releasing):
    w = releasing
    plan = services.support_plan_start(actor=w.probation_officer, person=w.person_a)
    handover = hand_over(w, acknowledge=False)
    assert handover.package["support_plan"] == [str(plan.uuid), plan.version]
    assert handover.package["steps"] == [0, 8]
    assert handover.package["release_on"] == w.episode_a.expected_release.isoformat()
    event = AuditEvent.objects.get(object_uuid=str(handover.uuid), action="disclose")
    assert event.details["to"] == str(w.probation.uuid)
    # the receiving officer is told and given the task
    assert Task.objects.get(kind="handover_waiting", source_uuid=handover.uuid).assignee == \
        w.probation_officer
    assert Notification.objects.filter(kind="handover_waiting",
                                       recipient=w.probation_officer).count() == 1


def test_who_does_not_work_on_the_release_cannot_send_one(releasing):
    w = releasing
    add_to_team(w, w.ngo_worker, w.ngo, "Mentor", scopes=())
    # the receiving agency acknowledges a handover; it does not send one to itself
    for user in (w.security_a, w.treatment_b, w.ngo_worker, w.probation_officer):
        with pytest.raises(PermissionDenied):
            services.handover_send(actor=user, person=w.person_a, to_agency=w.probation)
    assert not Handover.objects.exists()


# --- acknowledging, withdrawing ------------------------------------------------------------------------

def test_only_the_receiving_agency_acknowledges(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    for user in (w.manager_a, w.treatment_a, w.security_a, w.reintegration_officer,
                 w.ngo_worker):
        assert not handovers.grant(user, handover).can(ReleaseAction.ACKNOWLEDGE)
        with pytest.raises(PermissionDenied):
            services.handover_acknowledge(actor=user, handover=handover, expected_version=None)
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SENT
    assert handovers.grant(w.probation_officer, handover).can(ReleaseAction.ACKNOWLEDGE)
    done = services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                         expected_version=handover.version, note="Received")
    assert (done.status, done.acknowledged_by) == (HandoverStatus.ACKNOWLEDGED,
                                                   w.probation_officer)
    assert not handovers.grant(w.probation_officer, done).can(ReleaseAction.ACKNOWLEDGE)
    assert Task.objects.get(kind="handover_waiting").status == "done"
    assert Notification.objects.filter(kind="handover_acknowledged",
                                       recipient=w.manager_a).count() == 1


def test_a_stale_acknowledgement_is_a_conflict(releasing):
    from alliance.core.errors import Conflict

    w = releasing
    handover = hand_over(w, acknowledge=False)
    with pytest.raises(Conflict):
        services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                      expected_version=handover.version + 1)


def test_the_sending_side_withdraws_with_a_reason(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    with pytest.raises(ValidationError) as refused:
        services.handover_withdraw(actor=w.manager_a, handover=handover, expected_version=None,
                                   reason=" ")
    assert "reason" in refused.value.message_dict
    # the receiving agency acknowledges; it does not withdraw what was sent to it
    with pytest.raises(PermissionDenied):
        services.handover_withdraw(actor=w.probation_officer, handover=handover,
                                   expected_version=None, reason="Not ours")
    withdrawn = services.handover_withdraw(actor=w.manager_a, handover=handover,
                                           expected_version=None, reason="Release postponed")
    assert withdrawn.status == HandoverStatus.WITHDRAWN
    assert Task.objects.get(kind="handover_waiting").status == "cancelled"
    assert Notification.objects.filter(kind="handover_withdrawn",
                                       recipient=w.probation_officer).exists()
    with pytest.raises(ValidationError):
        services.handover_acknowledge(actor=w.probation_officer, handover=withdrawn,
                                      expected_version=None)
    with pytest.raises(ValidationError):  # and an acknowledged one cannot be withdrawn
        services.handover_withdraw(actor=w.manager_a, handover=hand_over(w),
                                   expected_version=None, reason="Too late")


# --- responsibility passes: acknowledged and released, in either order ------------------------------

def test_responsibility_waits_for_the_release_after_an_acknowledgement(releasing):
    w = releasing
    hand_over(w)
    w.person_a.refresh_from_db()
    assert w.person_a.responsible_agency == w.prison_a
    release(w)
    assert w.person_a.responsible_agency == w.probation
    assert Handover.objects.get().transferred_at is not None
    event = TimelineEvent.objects.get(kind="responsibility_transferred")
    assert event.params == {"previous_agency": "Prison A", "agency": "Probation J1"}


def test_responsibility_passes_on_an_acknowledgement_after_the_release(releasing):
    w = releasing
    handover = hand_over(w, acknowledge=False)
    release(w)
    assert w.person_a.responsible_agency == w.prison_a  # not acknowledged yet
    services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                  expected_version=None)
    w.person_a.refresh_from_db()
    assert w.person_a.responsible_agency == w.probation
    assert RetainedAccess.objects.get(person=w.person_a).agency == w.prison_a


def test_responsibility_passes_once(releasing):
    w = releasing
    released(w)
    handover = Handover.objects.get()
    assert services.transfer_if_due(handover) is False
    assert TimelineEvent.objects.filter(kind="responsibility_transferred").count() == 1


# --- access after the handover -------------------------------------------------------------------------

@pytest.fixture
def after_release(releasing):
    return released(releasing)


def test_the_prison_keeps_read_access_only(after_release):
    w = after_release
    kept = RetainedAccess.objects.get(person=w.person_a)
    assert (kept.agency, kept.until) == (w.prison_a, TODAY() + datetime.timedelta(days=90))
    assert w.person_a.responsible_agency == w.probation
    for name in PRISON_STAFF:
        user = getattr(w, name)
        assert persons.visible(user).filter(pk=w.person_a.pk).exists(), name
        grant = person_grant(user, w.person_a)
        assert grant.actions == {Action.VIEW}, name
        assert release_can(user, w.person_a, ReleaseAction.VIEW), name
        assert not release_can(user, w.person_a, ReleaseAction.WORK), name
        for policy in (release_steps, support_plans, follow_ups, handovers):
            listed = policy.visible(user)
            assert listed.filter(person=w.person_a).exists() or not \
                policy.model.objects.filter(person=w.person_a).exists(), (name, policy)
        with pytest.raises(PermissionDenied):
            get_person_for_release(user, w.person_a.uuid, ReleaseAction.WORK)
    # the release steps, the handover and the follow-ups are listed for them
    assert release_steps.visible(w.treatment_a).filter(person=w.person_a).count() == 8
    assert follow_ups.visible(w.security_a).filter(person=w.person_a).count() == 5
    assert handovers.visible(w.manager_a).filter(person=w.person_a).count() == 1
    # a retained reader does not work on the release
    with pytest.raises(PermissionDenied):
        services.follow_up_record(
            actor=w.treatment_a, follow_up=FollowUp.objects.first(), expected_version=None,
            held_on=TODAY(), contact_kind="office", engagement="engaged", housing="stable",
            work="employed", new_offence="no", reengagement="none")


def test_the_person_page_still_opens_for_the_prison_while_access_is_kept(after_release):
    w = after_release
    person, grant = get_person_for_release(w.security_a, w.person_a.uuid)
    assert person == w.person_a and grant.can(ReleaseAction.VIEW)


def test_the_prison_loses_access_after_the_date(after_release):
    w = after_release
    yesterday = TODAY() - datetime.timedelta(days=1)
    RetainedAccess.objects.filter(person=w.person_a).update(until=yesterday)
    for name in PRISON_STAFF:
        user = getattr(w, name)
        assert not persons.visible(user).filter(pk=w.person_a.pk).exists(), name
        assert not person_grant(user, w.person_a).can(Action.VIEW), name
        assert not release_steps.visible(user).exists(), name
        response = login(user).get(reverse("people:detail", args=[w.person_a.uuid]))
        assert response.status_code == 404, name
    # probation keeps it
    assert persons.visible(w.probation_officer).filter(pk=w.person_a.pk).exists()


def test_access_is_kept_through_the_last_day(after_release):
    w = after_release
    RetainedAccess.objects.filter(person=w.person_a).update(until=TODAY())
    assert persons.visible(w.treatment_a).filter(pk=w.person_a.pk).exists()


def test_the_end_of_kept_access_is_recorded_once(after_release):
    w = after_release
    kept = RetainedAccess.objects.get(person=w.person_a)
    # on its last day nothing ends
    assert people_services.retained_access_expire(kept.until) == 0
    # the day after, it ends: an audit event and a timeline entry
    day_after = kept.until + datetime.timedelta(days=1)
    before = AuditEvent.objects.count()
    assert people_services.retained_access_expire(day_after) == 1
    kept.refresh_from_db()
    assert kept.ended_at is not None
    event = AuditEvent.objects.filter(person=w.person_a).latest("id")
    assert event.details == {"read_access_ended": str(w.prison_a.uuid),
                             "until": kept.until.isoformat()}
    assert AuditEvent.objects.count() == before + 1
    entry = TimelineEvent.objects.get(kind="retained_access_ended")
    assert entry.params == {"agency": "Prison A"}
    # and only once
    assert people_services.retained_access_expire(day_after) == 0
    assert people_services.retained_access_expire(day_after + datetime.timedelta(days=5)) == 0
    assert TimelineEvent.objects.filter(kind="retained_access_ended").count() == 1


def test_probation_works_on_the_person_after_the_handover(after_release):
    w = after_release
    assert release_can(w.probation_officer, w.person_a, ReleaseAction.WORK)
    assert person_grant(w.probation_officer, w.person_a).can(Action.EDIT)
    follow_up = FollowUp.objects.filter(person=w.person_a).order_by("due_on").first()
    assert {f.agency for f in FollowUp.objects.filter(person=w.person_a)} == {w.probation}
    assert follow_up.offset == "1w"
    services.follow_up_record(
        actor=w.probation_officer, follow_up=follow_up, expected_version=None, held_on=TODAY(),
        contact_kind="office", engagement="engaged", housing="stable", work="employed",
        new_offence="no", reengagement="none")


def test_with_no_days_kept_the_prison_loses_access_at_once(releasing):
    w = released(releasing, retain_days=0)
    assert w.person_a.responsible_agency == w.probation
    assert not RetainedAccess.objects.exists()
    for name in PRISON_STAFF:
        assert not persons.visible(getattr(w, name)).filter(pk=w.person_a.pk).exists(), name
    assert persons.visible(w.probation_officer).filter(pk=w.person_a.pk).exists()


def test_a_team_member_keeps_their_place_whatever_the_responsible_agency(after_release):
    w = after_release
    # the reintegration officer was on the team before; they still work on the release
    assert release_can(w.reintegration_officer, w.person_a, ReleaseAction.WORK)
    # an NGO worker added after the release sees the case team's share, but does not work on it
    from alliance.accounts.models import Membership
    from alliance.cases import services as case_services

    case_services.team_member_add(actor=w.probation_officer, case=w.case_a, team_role="Mentor",
                                  membership=Membership.objects.get(user=w.ngo_worker), scopes=[])
    assert release_can(w.ngo_worker, w.person_a, ReleaseAction.VIEW)
    assert not release_can(w.ngo_worker, w.person_a, ReleaseAction.WORK)
