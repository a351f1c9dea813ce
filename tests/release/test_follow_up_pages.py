"""The follow-up page after release: the probation officer records the contact and its
outcomes, or that it was missed; what is refused, and to whom."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from alliance.release.models import FollowUp, FollowUpStatus

from ..conftest import login
from .builders import add_to_team, released

pytestmark = pytest.mark.django_db

OUTCOMES = {"contact_kind": "office", "engagement": "engaged", "housing": "stable",
            "work": "employed", "new_offence": "no", "reengagement": "none"}


@pytest.fixture
def after_release(releasing):
    """Person A released ten days ago, handed over to probation: the first follow-up (after a
    week) is due, the others are ahead."""
    w = released(releasing, released_on=timezone.localdate() - datetime.timedelta(days=10))
    w.follow_ups = {f.offset: f for f in FollowUp.objects.filter(person=w.person_a)}
    return w


def _url(follow_up, name="follow_up"):
    return reverse(f"release:{name}", args=[follow_up.uuid])


def _post(client, follow_up, name="follow_up", **data):
    follow_up.refresh_from_db()
    data.setdefault("version", follow_up.version)
    return client.post(_url(follow_up, name), data)


def test_the_follow_up_page_shows_when_and_who(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    response = login(w.probation_officer).get(_url(follow_up))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Follow-up after 1 week" in html and "Probation J1" in html
    assert formats.date_format(follow_up.due_on, "DATE_FORMAT") in html
    assert "overdue by 3 days" in html
    for value in ("office", "engaged", "stable", "employed", "confirmed"):
        assert f'value="{value}"' in html
    assert 'class="btn-check"' in html
    assert "The contact did not take place" in html  # due: it may be recorded as missed


def test_recording_the_contact_stores_every_outcome(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    held_on = timezone.localdate() - datetime.timedelta(days=2)
    client = login(w.probation_officer)
    response = _post(client, follow_up, held_on=held_on.isoformat(), notes="Came on time",
                     **OUTCOMES)
    assert response.status_code == 302
    assert response.url == reverse("release:person", args=[w.person_a.uuid])
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.HELD and follow_up.held_on == held_on
    assert {k: getattr(follow_up, k) for k in OUTCOMES} == OUTCOMES
    html = client.get(_url(follow_up)).content.decode()
    assert "Stable accommodation" in html and "Came on time" in html
    assert "Record the contact" not in html


def test_a_follow_up_dated_before_the_release_is_refused_with_the_reason(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    before = timezone.localdate() - datetime.timedelta(days=20)
    response = _post(login(w.probation_officer), follow_up, held_on=before.isoformat(),
                     notes="Typed before the error", **OUTCOMES)
    assert response.status_code == 200
    html = response.content.decode()
    released_on = formats.date_format(timezone.localdate() - datetime.timedelta(days=10),
                                      "SHORT_DATE_FORMAT")
    assert f"A follow-up cannot be dated before the release on {released_on}." in html
    assert "Typed before the error</textarea>" in html
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED


def test_an_outcome_left_out_is_asked_for(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    data = {**OUTCOMES, "housing": ""}
    response = _post(login(w.probation_officer), follow_up,
                     held_on=timezone.localdate().isoformat(), **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an answer (&quot;Not known&quot; is one)." in html
    assert re.search(r'value="employed"[^>]*checked', html)  # the answers given stay


def test_a_stale_version_answers_409(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    response = _post(login(w.probation_officer), follow_up, version=follow_up.version + 1,
                     held_on=timezone.localdate().isoformat(), **OUTCOMES)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()


def test_a_follow_up_is_missed_only_once_it_is_due(after_release):
    w = after_release
    client = login(w.probation_officer)
    ahead = w.follow_ups["1m"]
    assert "The contact did not take place" not in client.get(_url(ahead)).content.decode()
    response = _post(client, ahead, "follow_up_missed", notes="Did not answer")
    assert response.status_code == 200
    assert "A follow-up is missed only once its date has passed." in response.content.decode()
    ahead.refresh_from_db()
    assert ahead.status == FollowUpStatus.SCHEDULED

    due = w.follow_ups["1w"]
    response = _post(client, due, "follow_up_missed", notes="")
    assert response.status_code == 200 and "Say what was tried." in response.content.decode()
    response = _post(client, due, "follow_up_missed", notes="Three calls, a letter")
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.status == FollowUpStatus.MISSED and due.notes == "Three calls, a letter"


def test_the_prison_reads_the_follow_up_but_only_the_team_records_it(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    client = login(w.security_a)  # the prison keeps read access after the handover
    html = client.get(_url(follow_up)).content.decode()
    assert "Follow-up after 1 week" in html and "Record the contact" not in html
    assert _post(client, follow_up, held_on=timezone.localdate().isoformat(),
                 **OUTCOMES).status_code == 403
    assert _post(client, follow_up, "follow_up_missed", notes="x").status_code == 403


def test_it_hides_a_follow_up_from_another_prison(after_release):
    w = after_release
    follow_up = w.follow_ups["1w"]
    client = login(w.treatment_b)
    assert client.get(_url(follow_up)).status_code == 404
    assert _post(client, follow_up, "follow_up_missed", notes="x").status_code == 404


def test_a_reader_without_identity_sees_the_reference_only(releasing):
    w = releasing
    add_to_team(w, w.ngo_worker, w.ngo, "Mentor", scopes=())
    released(w, released_on=timezone.localdate() - datetime.timedelta(days=10))
    follow_up = FollowUp.objects.get(person=w.person_a, offset="1w")
    response = login(w.ngo_worker).get(_url(follow_up))
    assert response.status_code == 200
    html = response.content.decode()
    assert w.person_a.reference in html and "Krasniqi" not in html
    assert "Record the contact" not in html
