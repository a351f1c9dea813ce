import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from alliance.accounts.models import User
from alliance.cases.models import Case
from alliance.core import audit
from alliance.observations.access import in_force, observations, summaries
from alliance.observations.models import (
    Analysis,
    Category,
    Observation,
    ObservationLink,
    ObservationStatus,
    SharedSummary,
)
from alliance.people.access import persons_visible_to
from alliance.people.models import Person
from alliance.work.models import Task

pytestmark = pytest.mark.django_db


def _seed(**kwargs):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def test_it_is_idempotent_and_grows_to_the_requested_size():
    _seed(persons=30)
    _seed(persons=30)
    assert Person.objects.count() == 30
    assert Case.objects.filter(status="open").count() == 30
    _seed(persons=45)
    assert Person.objects.count() == 45
    assert User.objects.filter(username__startswith="demo.").count() == 11
    assert audit.verify().ok


def test_it_sets_the_password_and_the_demo_users_see_what_they_should(rf):
    output = _seed(persons=40, password="another-demo-pass")
    assert "Demo password: another-demo-pass" in output
    assert authenticate(rf.get("/"), username="demo.treatment", password="another-demo-pass")
    treatment = User.objects.get(username="demo.treatment")
    treatment2 = User.objects.get(username="demo.treatment2")
    mine = set(persons_visible_to(treatment).values_list("pk", flat=True))
    theirs = set(persons_visible_to(treatment2).values_list("pk", flat=True))
    assert mine and theirs and not mine & theirs
    assert not persons_visible_to(User.objects.get(username="demo.regional")).exists()
    probation = persons_visible_to(User.objects.get(username="demo.probation"))
    assert 0 < probation.count() < len(mine)


def test_it_writes_names_in_the_regions_scripts():
    _seed(persons=40)
    names = " ".join(p.family_name for p in Person.objects.all())
    assert any("\u0400" <= ch <= "\u04ff" for ch in names)  # Cyrillic
    assert any(ch in "ćčđšžëç" for ch in names.lower())  # Latin with diacritics


def test_it_records_months_of_dynamic_security_in_prison_a():
    _seed(persons=30)
    recorded = Observation.objects.count()
    _seed(persons=30)
    assert Observation.objects.count() == recorded
    analyst = User.objects.get(username="demo.analyst")
    treatment = User.objects.get(username="demo.treatment")
    probation = User.objects.get(username="demo.probation")
    entries = Observation.objects.all()
    # Months of entries about several people of prison A, every category among them.
    assert 60 <= recorded <= 120
    assert {o.facility.name for o in entries.select_related("facility")} == {"Demo Prison A (MK)"}
    assert entries.values("person").distinct().count() >= 8
    assert set(entries.values_list("category", flat=True)) == set(Category.values)
    oldest = min(entries.values_list("observed_at", flat=True))
    assert timezone.now() - oldest > datetime.timedelta(days=90)
    # Most read by the analyst; some still waiting; linked, archived, escalated.
    assert entries.filter(reviewed_by=analyst).count() > recorded * 0.8
    assert entries.filter(status=ObservationStatus.NEW).exists()
    assert entries.filter(status=ObservationStatus.ARCHIVED).count() == 2
    assert ObservationLink.objects.count() >= 3 and Analysis.objects.count() >= 2
    escalated = entries.filter(escalated=True)
    assert 2 <= escalated.count() <= 8
    assert Task.objects.filter(kind="observation_escalated", status="open").count() == \
        escalated.filter(status=ObservationStatus.NEW).count() >= 1
    # Summaries: one expired, one withdrawn, the rest in force; the treatment and probation
    # officers each read one in force, and no raw material but their own entries.
    shared = SharedSummary.objects.all()
    assert shared.filter(expires_on__lt=timezone.localdate()).count() == 1
    assert shared.filter(withdrawn_at__isnull=False).count() == 1
    assert shared.filter(in_force()).count() >= 3
    for reader in (treatment, probation):
        assert summaries.visible(reader).filter(in_force()).exists(), reader
        assert not observations.visible(reader).exclude(recorded_by=reader).exists(), reader
    assert audit.verify().ok
