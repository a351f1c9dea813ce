"""The training pages through HTTP: planning, attendees, results, cancelling (a trainer);
"Staff training" and its export (a manager); "My training" (everyone); the personas who may not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import Role, Sector
from alliance.assessments.models import Certification
from alliance.knowledge.models import TrainingAttendance, TrainingSession

from ...conftest import login
from ...factories import member
from .builders import INSTRUMENT, course, days, record, session

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


# --- sessions ------------------------------------------------------------------------------------

def test_a_trainer_plans_a_session_then_adds_attendees(kb):
    client = login(kb.trainer)
    response = client.post(reverse("training:session_new"), {
        "agency": str(kb.admin_hq.uuid), "course": str(course().uuid), "kind": "certification",
        "starts_on": days(14).isoformat(), "place": "Training centre, Pristina"})
    made = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:session_attendees", args=[made.uuid])
    # the attendees page lists the jurisdiction's staff; a search narrows it by name
    page = _page(client.get(response["Location"]))
    assert str(kb.treatment_a) in page and str(kb.manager_other) not in page
    found = _page(client.get(response["Location"], {"q": kb.treatment_b.last_name}))
    assert str(kb.treatment_b) in found
    response = client.post(response["Location"], {
        "version": made.version, "attendees": [str(kb.treatment_a.uuid),
                                               str(kb.treatment_b.uuid)]})
    assert response.status_code == 302
    assert set(TrainingAttendance.objects.values_list("user__username", flat=True)) == {
        "treatment_a", "treatment_b"}


def test_searching_keeps_the_ticked_staff_and_saves_nothing(kb):
    made = session(kb)
    client = login(kb.trainer)
    response = client.post(reverse("training:session_attendees", args=[made.uuid]), {
        "version": made.version, "attendees": [str(kb.treatment_a.uuid)], "search": "1",
        "q": "zzz-nobody"})
    page = _page(response)
    assert response.status_code == 200
    assert f'value="{kb.treatment_a.uuid}" id="attendee-1" checked' in page
    assert not TrainingAttendance.objects.exists()


def test_the_session_form_says_what_is_wrong(kb):
    response = login(kb.trainer).post(reverse("training:session_new"), {
        "agency": str(kb.admin_hq.uuid), "course": str(course().uuid), "kind": "certification",
        "starts_on": days(3).isoformat(), "ends_on": days(2).isoformat()})
    page = _page(response)
    assert response.status_code == 200
    assert "The last day cannot be before the first." in page
    assert "Say where it takes place" in page
    assert not TrainingSession.objects.exists()


def test_a_stale_edit_of_a_session_answers_409(kb):
    made = session(kb, starts_on=days(5))
    client = login(kb.trainer)
    data = {"course": str(course().uuid), "kind": "certification",
            "starts_on": days(6).isoformat(), "place": "Ohrid", "version": made.version}
    assert client.post(reverse("training:session_edit", args=[made.uuid]), data
                       ).status_code == 302
    response = client.post(reverse("training:session_edit", args=[made.uuid]),
                           {**data, "place": "Skopje"})
    assert response.status_code == 409
    assert "Someone else changed this record" in _page(response)
    made.refresh_from_db()
    assert made.place == "Ohrid"


def test_the_trainer_records_results_on_one_form(kb):
    made = session(kb, attendees=[kb.treatment_a, kb.treatment_b])
    client = login(kb.trainer)
    url = reverse("training:session_results", args=[made.uuid])
    rows = client.get(url).context["form"].rows
    data = {"version": made.version}
    for n, row in enumerate(rows):
        passed = row["attendance"].user == kb.treatment_a
        data |= {f"result_{n}": "passed" if passed else "absent",
                 f"score_{n}": "92" if passed else ""}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Certification.objects.get(user=kb.treatment_a).instrument_code == INSTRUMENT
    assert not Certification.objects.filter(user=kb.treatment_b).exists()
    page = _page(client.get(reverse("training:session_detail", args=[made.uuid])))
    assert "Results recorded" in page and "92 %" in page
    assert "Record the results" not in page and "Cancel this session" not in page


def test_a_person_reference_in_a_result_note_is_shown_on_that_row(kb):
    made = session(kb, attendees=[kb.treatment_a])
    response = login(kb.trainer).post(
        reverse("training:session_results", args=[made.uuid]), {
            "version": made.version, "result_0": "passed",
            "note_0": f"Used the file of {kb.person_a.reference}"})
    assert response.status_code == 200
    assert response.context["form"].errors["note_0"]
    assert not Certification.objects.exists()


def test_results_of_a_future_session_are_refused_with_the_reason(kb):
    made = session(kb, attendees=[kb.treatment_a], starts_on=days(2))
    client = login(kb.trainer)
    url = reverse("training:session_results", args=[made.uuid])
    assert "Record results after the session has taken place" in _page(client.get(url))
    response = client.post(url, {"version": made.version, "result_0": "passed"})
    assert response.status_code == 200
    assert "Record results after the session has taken place" in _page(response)
    assert not Certification.objects.exists()


def test_a_trainer_cancels_a_planned_session_and_a_stale_cancel_answers_409(kb):
    made = session(kb, attendees=[kb.treatment_a])
    client = login(kb.trainer)
    url = reverse("training:session_cancel", args=[made.uuid])
    assert client.post(url, {"version": 99}).status_code == 409
    assert client.post(url, {"version": made.version}).status_code == 302
    assert not TrainingSession.objects.exists()


def test_the_sessions_list_shows_upcoming_and_past(kb):
    session(kb, starts_on=days(9), place="Tirana")
    session(kb, starts_on=days(-20), place="Skopje")
    response = login(kb.trainer).get(reverse("training:session_list"))
    page = _page(response)
    assert page.index("Tirana") < page.index("Skopje")
    assert "Plan a session" in page
    assert len(response.context["upcoming"]) == 1
    assert len(response.context["page"].object_list) == 1


def test_a_trainer_of_another_jurisdiction_does_not_see_the_session(kb):
    made = session(kb)
    other = member(kb.prison_other, Role.TRAINER)
    assert login(other).get(reverse("training:session_detail", args=[made.uuid])
                            ).status_code == 404
    assert login(other).get(reverse("training:session_list")).context["upcoming"] == []
    regional = member(kb.regional, Role.TRAINER)
    assert login(regional).get(reverse("training:session_detail", args=[made.uuid])
                               ).status_code == 200


def test_the_attendee_sees_their_record_not_the_session(kb):
    made = record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: "passed"})
    client = login(kb.treatment_a)
    assert client.get(reverse("training:session_detail", args=[made.uuid])).status_code == 404
    page = _page(client.get(reverse("training:mine")))
    assert INSTRUMENT in page and "Risk and needs assessment" in page and "Passed" in page


def test_a_manager_sees_only_their_own_staffs_results_of_another_agencys_session(kb):
    made = record(kb, session(kb, attendees=[kb.treatment_a, kb.treatment_b]),
                  {kb.treatment_a: ("passed", 77), kb.treatment_b: ("failed", 31)})
    response = login(kb.manager_a).get(reverse("training:session_detail", args=[made.uuid]))
    shown = {a.user.username: a.result_shown for a in response.context["attendances"]}
    assert shown == {"treatment_a": True, "treatment_b": False}
    page = _page(response)
    assert "77 %" in page and "31 %" not in page
    assert login(kb.manager_other).get(reverse("training:session_detail", args=[made.uuid])
                                       ).status_code == 404


def test_home_shows_each_reader_their_first_page(kb):
    templates = {}
    for persona in ("manager_a", "trainer", "treatment_a"):
        response = login(getattr(kb, persona)).get(reverse("training:home"))
        assert response.status_code == 200
        templates[persona] = response.templates[0].name
    assert templates == {"manager_a": "knowledge/training/staff.html",
                         "trainer": "knowledge/training/session_list.html",
                         "treatment_a": "knowledge/training/mine.html"}


# --- staff training ------------------------------------------------------------------------------

def _staff_member(w, n, *, certified=True):
    user = member(w.prison_a, Role.TREATMENT_OFFICER, sector=Sector.TREATMENT,
                  username=f"staff{n}")
    if certified:
        Certification.objects.create(user=user, instrument_code=INSTRUMENT,
                                     certified_on=days(-300), expires_on=days(30 + n),
                                     booster_due_on=days(10))
    return user


def test_the_staff_page_shows_certifications_courses_and_what_is_due(kb):
    Certification.objects.create(user=kb.treatment_a, instrument_code=INSTRUMENT,
                                 certified_on=days(-1000), expires_on=days(20))
    record(kb, session(kb, attendees=[kb.treatment_a]), {kb.treatment_a: "passed"})
    response = login(kb.manager_a).get(reverse("training:staff"))
    page = _page(response)
    assert response.status_code == 200
    assert "renewed" in page and "valid" in page
    assert "Risk and needs assessment" in page and "Passed" in page
    rows = {r.user.username: r for r in response.context["page"].object_list}
    assert set(rows) >= {"treatment_a", "security_a", "manager_a"}
    assert "treatment_b" not in rows  # prison B: not manager A's staff


def test_the_staff_page_filters_by_state(kb):
    expired = _staff_member(kb, 1, certified=False)
    Certification.objects.create(user=expired, instrument_code=INSTRUMENT,
                                 certified_on=days(-1200), expires_on=days(-5))
    _staff_member(kb, 2)  # expires in 32 days, booster in 10
    fine = _staff_member(kb, 3, certified=False)
    Certification.objects.create(user=fine, instrument_code=INSTRUMENT,
                                 certified_on=days(-10), expires_on=days(900),
                                 booster_due_on=days(300))
    client = login(kb.manager_a)

    def shown(state):
        response = client.get(reverse("training:staff"), {"state": state})
        return {r.user.username for r in response.context["page"].object_list}

    assert shown("expired") == {"staff1"}
    assert shown("expiring") == {"staff2"}
    assert shown("booster_due") == {"staff2"}
    assert "staff3" in shown("")
    other = client.get(reverse("training:staff"), {"agency": str(kb.prison_b.uuid)})
    assert other.status_code == 200  # not one of manager A's agencies: ignored, not shown


def test_the_staff_page_runs_the_same_queries_for_3_or_30_staff(kb, django_assert_max_num_queries):
    for n in range(3):
        user = _staff_member(kb, n)
        record(kb, session(kb, attendees=[user], starts_on=days(-30 - n)), {user: "passed"})
    client = login(kb.manager_a)
    url = reverse("training:staff")
    client.get(url)  # warm the session and the profile
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(3, 30):
        user = _staff_member(kb, n)
        record(kb, session(kb, attendees=[user], starts_on=days(-30 - n)), {user: "passed"})
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_export_is_a_csv_of_each_certification(kb):
    Certification.objects.create(user=kb.treatment_a, instrument_code="=cmd", certified_on=days(
        -10), expires_on=days(700))
    response = login(kb.manager_a).get(reverse("training:staff_export"))
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Staff member,User name,Agencies,Instrument")
    row = next(line for line in lines if "treatment_a" in line)
    assert "'=cmd" in row and "valid" in row  # a formula is exported as text
    assert any("not certified" in line for line in lines)
    from alliance.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="export", actor=kb.manager_a).exists()
