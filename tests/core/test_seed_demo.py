import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from alliance.accounts.models import User
from alliance.cases.models import Case
from alliance.core import audit
from alliance.demo import knowledge, monitoring, seed
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

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _seed(**kwargs):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def test_it_is_idempotent_and_grows_to_the_requested_size():
    # (the modules' demo data find theirs among these people on every run, never among the
    # monitoring history's, seeded after them)
    _seed(persons=30)
    _seed(persons=30)
    # (besides the monitoring history's people: tests/core/test_seed_demo_monitoring.py)
    history = monitoring.people()
    assert Person.objects.count() == 30 + history
    assert Case.objects.filter(status="open").exclude(person__in=monitoring.history()).count() \
        == 30
    _seed(persons=45)
    assert Person.objects.count() == 45 + history
    # the demo users who sign in, the knowledge base's authors of the other jurisdictions, and
    # the monitoring history's staff (who do not sign in)
    signing_in = {username for username, *_ in seed.DEMO_USERS}
    staff = monitoring.staff_usernames([code for code, *_ in seed.JURISDICTIONS])
    assert User.objects.filter(username__startswith="demo.").count() == (
        len(signing_in) + len(knowledge.AUTHORS) + len(staff))
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


def test_it_takes_four_people_of_prison_a_through_the_stages_of_release():
    from alliance.demo import release
    from alliance.people.models import RetainedAccess
    from alliance.release.dates import add_months
    from alliance.release.models import (
        Breach,
        FollowUp,
        Handover,
        ReleaseStep,
        SupportAction,
        SupportPlan,
    )

    _seed(persons=30)
    today = timezone.localdate()
    staged = release.stages()
    assert set(staged) == {"in_eleven_months", "in_two_months", "released_last_month",
                           "released_a_year_ago"}
    probation, reintegration = (User.objects.get(username=f"demo.{name}")
                                for name in ("probation", "reintegration"))
    for person in staged.values():
        team = set(person.cases.get(status="open").team.filter(ended_at__isnull=True)
                   .values_list("user__username", flat=True))
        assert {"demo.probation", "demo.reintegration"} <= team, person.reference
    # Eleven months ahead: the programme generated, only its first step due.
    steps = ReleaseStep.objects.filter(person=staged["in_eleven_months"])
    assert steps.count() == 8 and not steps.exclude(status="pending").exists()
    assert [s.template.code for s in steps.filter(due_on__lte=today)] == ["release_planning"]
    # Two months ahead: steps done with their evidence, the case conference overdue, a support
    # plan with every pathway filled in, actions for probation and the division, conditions.
    soon = staged["in_two_months"]
    steps = ReleaseStep.objects.filter(person=soon)
    assert steps.get(template__code="reassessment").evidence
    assert {s.template.code for s in steps.filter(status="pending", due_on__lt=today)} == {
        "case_conference"}
    plan = SupportPlan.objects.get(person=soon)
    assert not plan.pathways.filter(status="not_assessed").exists()
    assert {a.agency.type for a in SupportAction.objects.filter(entry__plan=plan)} >= {
        "probation", "ministry_division"}
    assert plan.conditions.count() == 3 and plan.municipality is not None
    # Released last month under supervision: the handover acknowledged, probation responsible,
    # the prison still reading; the follow-up after a week held, the next one due.
    last_month = staged["released_last_month"]
    last_month.refresh_from_db()
    assert last_month.responsible_agency.type == "probation"
    episode = last_month.custody_episodes.get()
    assert episode.release_type == "conditional"
    assert episode.ended_on == add_months(today, -1)
    assert Handover.objects.get(person=last_month).transferred_at is not None
    assert RetainedAccess.objects.get(person=last_month).until >= today
    follow_ups = FollowUp.objects.filter(person=last_month)
    assert follow_ups.get(offset="1w").status == "held"
    # (due today, or a day or three ago when last month was shorter)
    assert today - datetime.timedelta(days=3) <= follow_ups.get(offset="1m").due_on <= today
    assert Task.objects.filter(kind="follow_up_due", status="open",
                               source_uuid=follow_ups.get(offset="1m").uuid).exists()
    # Released a year ago: follow-ups held with varied outcomes, the last one due; a breach
    # answered with a warning; the prison's read access over.
    year_ago = staged["released_a_year_ago"]
    episode = year_ago.custody_episodes.get()
    assert episode.release_type == "end_of_sentence"
    assert add_months(today, -13) < episode.ended_on < add_months(today, -11)
    follow_ups = FollowUp.objects.filter(person=year_ago)
    assert set(follow_ups.filter(status="held").values_list("offset", flat=True)) == {
        "1w", "1m", "3m", "6m"}
    assert follow_ups.get(offset="12m").status == "scheduled"
    assert len(set(follow_ups.filter(status="held").values_list("housing", "work"))) >= 3
    assert Breach.objects.get(plan__person=year_ago).response == "warning"
    assert RetainedAccess.objects.get(person=year_ago).ended_at is not None
    # The released are probation's now; the prison's staff see the one released last month only.
    visible = set(persons_visible_to(probation).values_list("pk", flat=True))
    assert {last_month.pk, year_ago.pk} <= visible
    treatment = set(persons_visible_to(User.objects.get(username="demo.treatment"))
                    .values_list("pk", flat=True))
    assert last_month.pk in treatment and year_ago.pk not in treatment
    assert persons_visible_to(reintegration).filter(pk=soon.pk).exists()
    # Twice-safe: a second run plays no stage again.
    counts = [m.objects.count() for m in (ReleaseStep, FollowUp, Handover, SupportPlan)]
    assert "0 people taken through the stages of release" in _seed(persons=30)
    assert [m.objects.count() for m in (ReleaseStep, FollowUp, Handover, SupportPlan)] == counts
    assert release.stages() == staged
    assert audit.verify().ok
