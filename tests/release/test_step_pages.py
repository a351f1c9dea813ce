"""The step page: a case manager completes a step with its checklist and evidence, marks one not
applicable, reopens it, gives it to another agency; and who may do what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.release import services
from alliance.release.models import StepStatus
from alliance.work.models import Task, TaskStatus

from ..conftest import login
from .builders import add_to_team, complete, steps_by_code

pytestmark = pytest.mark.django_db


def _url(step, name="step"):
    return reverse(f"release:{name}", args=[step.uuid])


def _post(client, step, name="step", **data):
    step.refresh_from_db()
    data.setdefault("version", step.version)
    return client.post(_url(step, name), data)


def test_the_step_page_shows_what_the_step_asks(releasing):
    step = steps_by_code(releasing)["identity_documents"]
    response = login(releasing.manager_a).get(_url(step))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Identity documents ready" in html and "1 month before release" in html
    assert "Identity card" in html and "Birth certificate" in html
    assert 'type="checkbox"' in html and "Health insurance registration" in html
    assert f'value="{timezone.localdate().isoformat()}"' in html  # done today, unless said
    assert 'name="version"' in html


def test_the_evidence_is_marked_required_when_the_programme_asks_for_it(releasing):
    step = steps_by_code(releasing)["reassessment"]
    html = login(releasing.manager_a).get(_url(step)).content.decode()
    evidence = html[html.index('for="id_evidence"'):]
    assert evidence.index("(required)") < evidence.index("</label>")


def test_completing_with_every_checklist_item_closes_the_step_and_its_task(releasing):
    w = releasing
    step = steps_by_code(w)["release_planning"]  # overdue: its task is open
    assert Task.objects.get(source_uuid=step.uuid).status == TaskStatus.OPEN
    client = login(w.manager_a)
    done_on = timezone.localdate() - datetime.timedelta(days=2)
    response = _post(client, step, checklist=["case_manager_named", "person_informed"],
                     evidence="Named at the wing meeting", completed_on=done_on.isoformat())
    assert response.status_code == 302
    assert response.url == reverse("release:person", args=[w.person_a.uuid])
    step.refresh_from_db()
    assert (step.status, step.completed_on, step.completed_by) == (StepStatus.DONE, done_on,
                                                                  w.manager_a)
    assert step.checklist_done == ["case_manager_named", "person_informed"]
    assert Task.objects.get(source_uuid=step.uuid).status == TaskStatus.DONE
    html = client.get(response.url).content.decode()
    assert "Step done: Release planning starts." in html


def test_a_step_without_its_evidence_is_refused_and_the_input_kept(releasing):
    w = releasing
    step = steps_by_code(w)["reassessment"]
    done_on = timezone.localdate() - datetime.timedelta(days=3)
    response = _post(login(w.manager_a), step, evidence="  ", completed_on=done_on.isoformat())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This step needs its evidence" in html
    assert f'value="{done_on.isoformat()}"' in html
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_a_checklist_not_fully_ticked_says_what_is_missing_and_keeps_the_ticks(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    response = _post(login(w.manager_a), step, checklist=["identity_card"],
                     evidence="Card with the registry")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick every item before marking the step done" in html
    assert "Birth certificate; Health insurance registration" in html
    assert "Card with the registry</textarea>" in html
    ticked = html[html.index('value="identity_card"') - 200:html.index('value="identity_card"')
                  + 100]
    assert "checked" in ticked
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_a_stale_version_answers_409_and_keeps_the_input(releasing):
    w = releasing
    step = steps_by_code(w)["case_conference"]
    seen = step.version
    services.step_reassign(actor=w.manager_a, step=step, expected_version=None,
                           agency=w.probation)
    response = _post(login(w.manager_a), step, version=seen, evidence="Conference on Monday")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Conference on Monday</textarea>" in html
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_a_step_marked_not_applicable_then_reopened(releasing):
    w = releasing
    client = login(w.manager_a)
    step = steps_by_code(w)["identity_documents"]
    response = _post(client, step, "step_not_applicable", reason="")
    assert response.status_code == 200
    assert "Say why the step does not apply." in response.content.decode()
    response = _post(client, step, "step_not_applicable", reason="Has a valid passport")
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == StepStatus.NOT_APPLICABLE and step.evidence == "Has a valid passport"
    html = client.get(_url(step)).content.decode()
    assert "Has a valid passport" in html and "Reopen the step" in html
    assert "Mark the step done" not in html
    response = _post(client, step, "step_reopen", reason="The passport expired")
    assert response.status_code == 302 and response.url == _url(step)
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING


def test_reopening_a_step_still_open_says_so(releasing):
    w = releasing
    step = steps_by_code(w)["identity_documents"]
    response = _post(login(w.manager_a), step, "step_reopen", reason="By mistake")
    assert response.status_code == 200
    assert "This step is already open." in response.content.decode()


def test_a_step_is_given_to_an_agency_of_the_case_team(releasing):
    w = releasing
    step = steps_by_code(w)["case_conference"]
    client = login(w.manager_a)
    html = client.get(_url(step, "step_agency")).content.decode()
    assert "Prison A" in html and "Probation J1" in html and "Reintegration Division J1" in html
    assert "NGO J1" not in html
    response = _post(client, step, "step_agency", agency=str(w.ministry.uuid))
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.agency == w.ministry and step.agency_by_hand
    response = _post(client, step, "step_agency", agency=str(w.ngo.uuid))
    assert response.status_code == 200
    assert "Choose the agency responsible for the person or one on their case team." in (
        response.content.decode())


def test_the_probation_officer_on_the_team_completes_a_step(releasing):
    w = releasing
    step = steps_by_code(w)["support_plan"]
    response = _post(login(w.probation_officer), step,
                     checklist=["pathways_assessed", "municipality_involved", "family_involved"])
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == StepStatus.DONE


def test_the_security_officer_reads_a_step_but_may_not_work_on_it(releasing):
    w = releasing
    step = steps_by_code(w)["case_conference"]
    client = login(w.security_a)
    html = client.get(_url(step)).content.decode()
    assert "Multi-agency case conference" in html and "Mark the step done" not in html
    assert _post(client, step, evidence="x").status_code == 403
    assert _post(client, step, "step_not_applicable", reason="x").status_code == 403
    assert client.get(_url(step, "step_agency")).status_code == 403


def test_a_reader_without_identity_sees_the_reference_only(releasing):
    w = releasing
    add_to_team(w, w.ngo_worker, w.ngo, "Mentor", scopes=())
    step = steps_by_code(w)["case_conference"]
    complete(step, w.manager_a)
    response = login(w.ngo_worker).get(_url(step))
    assert response.status_code == 200
    html = response.content.decode()
    assert w.person_a.reference in html and "Krasniqi" not in html
    assert "Reopen the step" not in html


def test_it_hides_a_step_from_another_prison(releasing):
    w = releasing
    step = steps_by_code(w)["case_conference"]
    client = login(w.treatment_b)
    assert client.get(_url(step)).status_code == 404
    assert _post(client, step, evidence="x").status_code == 404
    assert _post(client, step, "step_reopen", reason="x").status_code == 404


def test_a_step_done_meanwhile_by_a_colleague_answers_409_at_the_top(releasing):
    w = releasing
    step = steps_by_code(w)["case_conference"]
    seen = step.version
    complete(step, w.probation_officer)
    response = _post(login(w.manager_a), step, version=seen, evidence="Held on Monday")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html and "Reopen the step" in html
    assert "Mark the step done" not in html
