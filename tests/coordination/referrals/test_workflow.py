"""The referral workflow through the pages: manager A refers person A to the NGO; the NGO reads
the referral (not the person's record), accepts and names its worker, who joins the case team
and sees person A from then on; the work is started and completed with an outcome per result;
the sender is told at each answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.cases.models import CaseTeamMember
from alliance.coordination.models import Referral, ReferralStatus
from alliance.coordination.referrals import services
from alliance.core.models import AuditEvent
from alliance.people.models import Disclosure, TimelineEvent
from alliance.work.models import Notification, Task, TaskStatus

from ...conftest import login
from . import builders

pytestmark = pytest.mark.django_db

NAMES = ("Arben", "Krasniqi", "1705990450011")


def _detail(referral):
    return reverse("coordination:referral_detail", args=[referral.uuid])


def _action(referral, name):
    return reverse(f"coordination:referral_{name}", args=[referral.uuid])


def _person_page(w):
    return reverse("people:detail", args=[w.person_a.uuid])


def test_it_refers_accepts_and_completes_through_the_pages(world):
    w = world
    manager, ngo = login(w.manager_a), login(w.ngo_worker)
    # given the form
    new = reverse("coordination:referral_new", args=[w.person_a.uuid])
    assert manager.get(new).status_code == 200
    # when manager A sends a referral to the NGO
    response = manager.post(new, {
        "to_agency": str(w.ngo.uuid), "kind": "mentoring", "reason": "Mentoring after release",
        "results": "Attends weekly\nFinds work", "scopes": ["identity"], "send": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.from_agency == w.prison_a
    assert referral.respond_by == timezone.localdate() + datetime.timedelta(
        days=services.RESPONSE_TARGET_DAYS)
    assert referral.agreement == w.agreement
    # then the NGO reads it, by reference, without the person's record
    page = ngo.get(_detail(referral))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mentoring after release" in text and w.person_a.reference in text
    assert not [name for name in NAMES if name in text]
    assert _person_page(w) not in text
    assert ngo.get(_person_page(w)).status_code == 404
    # when the NGO accepts, naming its worker
    response = ngo.post(_action(referral, "accept"), {"worker": str(w.ngo_worker.uuid),
                                                      "version": referral.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.worker == w.ngo_worker
    place = CaseTeamMember.objects.get(case=w.case_a, user=w.ngo_worker, ended_at__isnull=True)
    assert referral.team_place == place and place.agency == w.ngo
    assert place.scopes == ["identity"]
    # the NGO worker who accepted added the place, as the sender (who asked for it) authorised
    assert place.added_by == w.ngo_worker
    added = AuditEvent.objects.get(object_type="cases.caseteammember", object_uuid=place.uuid)
    assert added.actor == w.ngo_worker and added.details["authorised_by"] == w.manager_a.username
    # then the worker sees person A, through the case team
    assert ngo.get(_person_page(w)).status_code == 200
    assert _person_page(w) in ngo.get(_detail(referral)).content.decode()
    # when the work starts and is completed with an outcome per result
    assert ngo.post(_action(referral, "start"), {"version": referral.version + 0}
                    ).status_code == 302
    referral.refresh_from_db()
    response = ngo.post(_action(referral, "complete"), {
        "outcome_1": "achieved", "outcome_2": "partly", "note_2": "Part-time work",
        "note": "Done", "version": referral.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert [(r.outcome, r.note) for r in referral.results.all()] == [
        ("achieved", ""), ("partly", "Part-time work")]
    # then the sender was told of the acceptance and the completion
    assert set(Notification.objects.filter(recipient=w.manager_a).values_list(
        "kind", flat=True)) == {"referral_accepted", "referral_completed"}
    assert set(TimelineEvent.objects.filter(person=w.person_a, kind__startswith="referral_")
               .values_list("kind", flat=True)) == {"referral_sent", "referral_accepted",
                                                    "referral_completed"}


def test_sending_logs_the_disclosure_and_gives_the_ngo_a_task(world):
    w = world
    referral = builders.sent(w)
    disclosure = Disclosure.objects.get(channel="referral")
    assert (disclosure.person, disclosure.recipient_agency, disclosure.agreement) == (
        w.person_a, w.ngo, w.agreement)
    assert disclosure.categories == ["case_team"]
    assert disclosure.purpose == w.agreement.purpose
    assert disclosure.object_uuid == str(referral.uuid)
    task = Task.objects.get(kind="referral_respond")
    assert (task.assignee_agency, task.assignee_role, task.person) == (
        w.ngo, "community_provider", None)
    assert task.due_on == referral.respond_by
    assert Notification.objects.filter(recipient=w.ngo_worker, kind="referral_received",
                                       person=None).exists()
    # the NGO worker's worklist shows it; answering closes it
    assert login(w.ngo_worker).get(reverse("work:my_work")).status_code == 200
    services.referral_decline(actor=w.ngo_worker, referral=referral, reason="no_capacity",
                              expected_version=referral.version)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert Notification.objects.filter(recipient=w.manager_a, kind="referral_declined").exists()


def test_a_draft_is_the_sending_sides_only(world):
    w = world
    referral = builders.draft(w)
    assert login(w.ngo_worker).get(_detail(referral)).status_code == 404
    assert login(w.treatment_a).get(_detail(referral)).status_code == 200
    # a treatment officer drafts and edits, but sending is the case's keepers'
    response = login(w.treatment_a).post(_action(referral, "send"),
                                         {"version": referral.version})
    assert response.status_code == 403
    assert login(w.manager_a).post(_action(referral, "send"), {"version": referral.version}
                                   ).status_code == 302


def test_it_refuses_acceptance_outside_the_receiving_agency(world):
    w = world
    referral = builders.sent(w)
    data = {"worker": str(w.ngo_worker.uuid), "version": referral.version}
    response = login(w.manager_a).post(_action(referral, "accept"), data)
    assert response.status_code == 403
    assert "Only NGO J1 can accept this referral." in response.content.decode()
    assert login(w.probation_officer).post(_action(referral, "accept"), data
                                           ).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_declining_needs_a_reason(world):
    w = world
    referral = builders.sent(w)
    response = login(w.ngo_worker).post(_action(referral, "decline"),
                                        {"reason": "", "version": referral.version})
    assert response.status_code == 200
    assert "Choose the reason for declining." in response.content.decode()
    response = login(w.ngo_worker).post(_action(referral, "decline"),
                                        {"reason": "other", "version": referral.version})
    assert "Say why you decline." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_stale_answer_is_a_conflict(world):
    w = world
    referral = builders.sent(w)
    response = login(w.ngo_worker).post(_action(referral, "decline"), {
        "reason": "no_capacity", "version": referral.version - 1})
    assert response.status_code == 409


def test_withdrawing_cancels_the_task_and_tells_the_receiving_side(world):
    w = world
    referral = builders.sent(w)
    response = login(w.manager_a).post(_action(referral, "withdraw"),
                                       {"reason": "Transferred", "version": referral.version})
    assert response.status_code == 302
    assert Task.objects.get(kind="referral_respond").status == TaskStatus.CANCELLED
    assert Notification.objects.filter(recipient=w.ngo_worker,
                                       kind="referral_withdrawn").exists()


def test_the_edit_page_changes_a_draft(world):
    w = world
    referral = builders.draft(w)
    url = _action(referral, "edit")
    assert login(w.manager_a).get(url).status_code == 200
    response = login(w.manager_a).post(url, {
        "to_agency": str(w.probation.uuid), "kind": "supervision", "reason": "Changed",
        "results": "One", "version": referral.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert (referral.to_agency, referral.kind, referral.reason) == (w.probation, "supervision",
                                                                    "Changed")
    assert login(w.ngo_worker).get(url).status_code == 404


def test_the_person_page_lists_the_referrals_with_a_refer_button(world):
    w = world
    builders.sent(w)
    text = login(w.manager_a).get(_person_page(w)).content.decode()
    assert 'id="referrals-h"' in text
    assert reverse("coordination:referral_new", args=[w.person_a.uuid]) in text
    assert "NGO J1" in text


def test_the_section_reads_a_constant_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.coordination.referrals.selectors import referrals_section
    from alliance.people.access import person_grant

    w = world
    builders.sent(w)

    def count():
        with CaptureQueriesContext(connection) as queries:
            section = referrals_section(w.manager_a, w.person_a,
                                        person_grant(w.manager_a, w.person_a))
            [str(r.to_agency) + str(r.from_agency) for r in section["referrals"]]
        return len(queries), len(section["referrals"])

    one = count()
    builders.sent(w, kind="mentoring")
    builders.draft(w, kind="other", to_agency=w.probation)
    three = count()
    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


def test_the_timeline_says_what_happened_without_the_content(world):
    from alliance.people import timeline

    w = world
    builders.sent(w)
    event = TimelineEvent.objects.get(person=w.person_a, kind="referral_sent")
    assert timeline.render(event) == "Referred to NGO J1 for an intervention"
