
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliance.people.access import persons
from alliance.release import services
from alliance.release.models import FollowUp, Handover, ReleaseStep, StepStatus


def test_the_path_from_steps_to_follow_ups(releasing):
    w = releasing
    steps = list(ReleaseStep.objects.filter(episode=w.episode_a).select_related("template"))
    assert len(steps) == 8
    by_code = {s.template.code: s for s in steps}
    assert by_code["support_plan"].agency == w.probation
    assert by_code["accommodation"].agency == w.ministry
    assert by_code["release_planning"].is_overdue(timezone.localdate())
    with pytest.raises(ValidationError):
        services.step_complete(actor=w.manager_a, step=by_code["reassessment"],
                               expected_version=None, evidence="")
    done = services.step_complete(actor=w.manager_a, step=by_code["reassessment"],
                                  expected_version=None, evidence="Reassessed on the 3rd")
    assert done.status == StepStatus.DONE
    handover = services.handover_send(actor=w.manager_a, person=w.person_a,
                                      to_agency=w.probation, note="All yours")
    handover = services.handover_acknowledge(actor=w.probation_officer, handover=handover,
                                             expected_version=handover.version)
    w.person_a.refresh_from_db()
    assert w.person_a.responsible_agency == w.prison_a  # still in custody
    services.release_record(actor=w.manager_a, person=w.person_a,
                            released_on=timezone.localdate(), release_type="conditional")
    w.person_a.refresh_from_db()
    assert w.person_a.responsible_agency == w.probation
    assert Handover.objects.get().transferred_at is not None
    assert FollowUp.objects.filter(person=w.person_a).count() == 5
    # the prison keeps read access
    assert persons.visible(w.treatment_a).filter(pk=w.person_a.pk).exists()
    assert not persons.grant(w.manager_a, w.person_a).can("edit")
