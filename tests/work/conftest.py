import datetime

import pytest

from alliance.assessments import services as assessment_services
from alliance.work import registry, services

from ..conftest import complete_ratings

TODAY = datetime.date.today


@pytest.fixture
def followup():
    """A fictional module's task and notification kinds, registered for one test."""
    registry.register_task_kind("test_followup", label="Follow up %(reference)s by %(due_on)s",
                                params=("reference", "due_on"))
    registry.register_notification_kind("test_note", label="Something about %(reference)s",
                                        params=("reference",))
    yield
    registry._TASK_KINDS.pop("test_followup", None)
    registry._NOTIFICATION_KINDS.pop("test_note", None)


def submit(world, marker: str = ""):
    """The `assessing` draft, completed by treatment A (with `marker` in its evidence and
    formulation) and submitted for countersignature."""
    draft = world.draft
    complete_ratings(draft, world.treatment_a)
    if marker:
        assessment_services.assessment_rate_item(actor=world.treatment_a, assessment=draft,
                                                 item_code="BA1", rating="low",
                                                 evidence=f"Evidence {marker}")
    draft = assessment_services.assessment_update(
        actor=world.treatment_a, assessment=draft, expected_version=None,
        sources=[{"kind": "file", "description": f"File {marker}"}],
        formulation=f"Formulation {marker}", overall_judgement="moderate",
        judgement_rationale=f"Rationale {marker}")
    return assessment_services.assessment_submit(actor=world.treatment_a, assessment=draft,
                                                 expected_version=None)


def make_task(world, due_on, **overrides):
    """A test_followup task about person A for treatment A (the `followup` kinds)."""
    kwargs = dict(kind="test_followup", source=world.case_a, person=world.person_a,
                  assignee=world.treatment_a, due_on=due_on,
                  params={"reference": world.person_a.reference, "due_on": due_on})
    kwargs.update(overrides)
    return services.task_ensure(**kwargs)
