"""The release worklist (/release/): releases coming up by facility with their readiness,
overdue steps, follow-ups due and handovers waiting — only of people the reader works with,
audited as a list, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.core.models import AuditEvent

from ..conftest import login
from .builders import held_person, person_in_prison_b, released, steps_by_code

pytestmark = pytest.mark.django_db

NAME = "Krasniqi"


def _worklist(user, **params):
    return login(user).get(reverse("release:worklist"), params)


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_nav_leads_to_the_worklist_for_people_with_a_caseload(releasing):
    html = _html(login(releasing.treatment_a).get(reverse("people:caseload")))
    assert reverse("release:worklist") in html
    html = login(releasing.regional_coordinator).get(reverse("home")).content.decode()
    assert reverse("release:worklist") not in html


def test_person_a_is_under_prison_a_with_an_overdue_step(releasing):
    w = releasing
    html = _html(_worklist(w.manager_a))
    assert "Releases in the next 12 months" in html
    section = html[html.index('id="facility-'):]
    assert "Prison A" in section and w.person_a.reference in section and NAME in section
    assert "1 release" in section and "1 with overdue steps" in section and "0 ready" in section
    assert "Not ready" in section  # the readiness of the row
    step = steps_by_code(w)["release_planning"]
    assert reverse("release:step", args=[step.uuid]) in section  # the next open step

    html = _html(_worklist(w.manager_a, tab="overdue"))
    assert "Release planning starts" in html and w.person_a.reference in html
    assert reverse("release:step", args=[step.uuid]) in html


def test_people_of_another_prison_are_not_shown(releasing):
    w = releasing
    person_b = person_in_prison_b(w)
    for tab in ("releases", "overdue"):
        html = _html(_worklist(w.treatment_a, tab=tab))
        assert w.person_a.reference in html
        assert person_b.reference not in html and "Prison B" not in html
    html = _html(_worklist(w.manager_b))
    assert person_b.reference in html and "Prison B" in html
    assert w.person_a.reference not in html


def test_a_reader_without_identity_sees_the_reference_only(releasing):
    from .builders import ngo_on_team

    w = releasing
    ngo_on_team(w)
    html = _html(_worklist(w.ngo_worker))
    assert w.person_a.reference in html and NAME not in html


def test_the_facility_filter_keeps_one_facility(releasing):
    w = releasing
    html = _html(_worklist(w.manager_a, facility=str(w.prison_b.uuid)))
    assert w.person_a.reference not in html
    html = _html(_worklist(w.manager_a, facility=str(w.prison_a.uuid)))
    assert w.person_a.reference in html
    assert w.person_a.reference in _html(_worklist(w.manager_a, facility="not-a-uuid"))


def test_the_regional_coordinator_is_refused(releasing):
    assert _worklist(releasing.regional_coordinator).status_code == 403


def test_a_handover_waits_for_the_probation_officer(releasing):
    from alliance.release import services

    w = releasing
    handover = services.handover_send(actor=w.manager_a, person=w.person_a,
                                      to_agency=w.probation)
    html = _html(_worklist(w.probation_officer, tab="handovers"))
    assert reverse("release:handover", args=[handover.uuid]) in html
    assert "to acknowledge" in html
    html = _html(_worklist(w.manager_a, tab="handovers"))  # the sender sees it waiting too
    assert reverse("release:handover", args=[handover.uuid]) in html
    assert "to acknowledge" not in html


def test_follow_ups_due_after_release_are_listed(releasing):
    from alliance.release.models import FollowUp

    w = released(releasing)
    first = FollowUp.objects.get(person=w.person_a, offset="1w")
    html = _html(_worklist(w.probation_officer, tab="follow_ups"))
    assert reverse("release:follow_up", args=[first.uuid]) in html
    later = FollowUp.objects.get(person=w.person_a, offset="3m")
    assert reverse("release:follow_up", args=[later.uuid]) not in html  # not due yet


def test_the_worklist_is_audited_as_a_list_of_the_people_shown(releasing):
    w = releasing
    _html(_worklist(w.manager_a))
    event = AuditEvent.objects.filter(actor=w.manager_a, action="list").latest("id")
    assert w.person_a.reference in event.details["references"]
    assert event.details["list"] == "release_worklist"


def test_the_worklist_runs_a_constant_number_of_queries(releasing):
    w = releasing

    def count(tab) -> int:
        with CaptureQueriesContext(connection) as queries:
            _html(_worklist(w.manager_a, tab=tab))
        return len(queries)

    few = {tab: count(tab) for tab in ("releases", "overdue")}
    for n in range(3):
        held_person(w, prison=w.prison_a, actor=w.manager_a, months=3 + n,
                    given_name=f"Given{n}", family_name=f"Family{n}",
                    national_id=f"01019904500{n}")
    assert {tab: count(tab) for tab in ("releases", "overdue")} == few
