"""Nothing stored in a language (STYLE.md): what the system says about a record is stored as a
code with parameters and written in each reader's language, with dates in their format, when
a page shows it. Text people type is stored as typed."""

import importlib
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from alliance.assessments.models import AssessmentDue, Screening
from alliance.cases.models import ManagementLevelChange
from alliance.core.models import AuditEvent
from alliance.privacy import export

from ..assessments.test_assessment_pages import _screening_data
from ..conftest import login
from ..coordination.conferences import builders as conference_builders
from ..observations import builders
from ..observations.conftest import indicator
from ..release import builders as release_builders

pytestmark = pytest.mark.django_db

# A sentence, as opposed to a code: words separated by spaces.
SENTENCE_WORDS = ("Observation of", "with escalation", "Case opened", "Screening on")


def _in(language: str, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _escalate(w):
    AssessmentDue.objects.filter(person=w.person_a).delete()
    return builders.observe(w, w.security_a, indicators=[indicator("attack_talk")])


def test_an_escalation_stores_the_due_detail_as_a_code_with_parameters(world):
    observation = _escalate(world)
    due = AssessmentDue.objects.get(person=world.person_a)
    assert due.detail == "observation_escalated"
    observed_on = timezone.localtime(observation.observed_at).date()
    assert due.detail_params == {"observed_on": observed_on.isoformat(), "indicators": ["attack_talk"]}
    stored = f"{due.detail} {due.detail_params}"
    assert not any(words in stored for words in SENTENCE_WORDS)


@pytest.mark.parametrize("language", ["sq", "mk", "sr-latn"])
def test_the_due_detail_is_written_in_the_readers_language_and_date_format(world, language):
    observation = _escalate(world)
    observed_on = timezone.localtime(observation.observed_at).date()
    # the security analyst holds the compartment the detail comes from
    html = (
        _in(language, login(world.analyst_a))
        .get(reverse("people:detail", args=[world.person_a.uuid]))
        .content.decode()
    )
    with translation.override(language):
        # the indicator by its name in the reader's language, not by its code
        name = indicator("attack_talk").display_name
        expected = gettext("Observation of %(date)s with escalation indicators: %(codes)s") % {
            "date": observed_on.strftime("%d.%m.%Y") + ("." if language == "sr-latn" else ""),
            "codes": name,
        }
        reason = gettext("Significant new information")
    assert name != indicator("attack_talk").name and "attack_talk" not in html
    assert expected in html and reason in html
    assert (
        "Observation of" not in html
        and observed_on.isoformat() not in html.split("assessments-h", 1)[1].split("</section>", 1)[0]
    )


def test_a_detail_stored_as_a_sentence_before_the_codes_is_shown_as_written(world):
    _escalate(world)
    AssessmentDue.objects.filter(person=world.person_a).update(
        detail="Observation of 26.11.2026 with escalation indicators: <b>x</b>", detail_params={}
    )
    html = (
        login(world.analyst_a).get(reverse("people:detail", args=[world.person_a.uuid])).content.decode()
    )
    assert "Observation of 26.11.2026 with escalation indicators: &lt;b&gt;x&lt;/b&gt;" in html


def test_the_migration_turns_old_escalation_sentences_into_codes(world):
    migration = importlib.import_module("alliance.assessments.migrations.0004_due_detail_codes")
    _escalate(world)
    due = AssessmentDue.objects.get(person=world.person_a)
    for sentence, observed_on in [
        ("Observation of 26.11.2026 with escalation indicators: threatens, attack_talk", "2026-11-26"),
        (
            "Observation of 2026-11-26 with escalation indicators: threatens, attack_talk",
            "2026-11-26",
        ),  # written by an Albanian reader before the format module
        ("Observation of 26.11.2026. with escalation indicators: threatens, attack_talk", "2026-11-26"),
    ]:
        AssessmentDue.objects.filter(pk=due.pk).update(detail=sentence, detail_params={})
        migration.sentences_to_codes(apps, None)
        due.refresh_from_db()
        assert (due.detail, due.detail_params) == (
            "observation_escalated",
            {"observed_on": observed_on, "indicators": ["threatens", "attack_talk"]},
        )
    # a sentence it cannot read stays as it is, and is shown as written
    AssessmentDue.objects.filter(pk=due.pk).update(detail="Escalated (see the file)")
    migration.sentences_to_codes(apps, None)
    due.refresh_from_db()
    assert due.detail == "Escalated (see the file)"


def test_opening_a_case_stores_a_reason_code_shown_in_the_readers_language(world):
    # `world` opened person A's case through case_open
    change = ManagementLevelChange.objects.get(case=world.case_a)
    assert (change.reason_code, change.reason) == ("case_opened", "")
    for language in ("sq", "mk"):
        html = (
            _in(language, login(world.manager_a))
            .get(reverse("people:detail", args=[world.person_a.uuid]))
            .content.decode()
        )
        with translation.override(language):
            assert f"— {gettext('Case opened')} (" in html


def test_the_migration_turns_case_opened_in_any_language_into_the_code(world):
    migration = importlib.import_module("alliance.cases.migrations.0002_level_reason_code")
    change = ManagementLevelChange.objects.get(case=world.case_a)
    with translation.override("mk"):
        said = gettext("Case opened")
    ManagementLevelChange.objects.filter(pk=change.pk).update(reason=said, reason_code="")
    typed = ManagementLevelChange.objects.create(
        case=world.case_a,
        level=change.level,
        reason="Case opened after the court's order",
        decided_by=world.manager_a,
        decided_at=timezone.now(),
    )
    migration.sentences_to_codes(apps, None)
    change.refresh_from_db()
    typed.refresh_from_db()
    assert (change.reason_code, change.reason) == ("case_opened", "")
    assert (typed.reason_code, typed.reason) == ("", "Case opened after the court's order")


def test_the_audit_trail_names_an_instrument_by_its_code_not_its_english_name(assessing):
    event = AuditEvent.objects.filter(object_type="assessments.assessment", action="create").latest("id")
    version = assessing.instruments.risk_needs
    assert event.details["instrument"] == f"{version.instrument.code} {version.version}"


def test_a_bias_answer_is_shown_in_the_readers_words(assessing):
    client = _in("sq", login(assessing.treatment_a))
    client.post(
        reverse("assessments:screen", args=[assessing.person_a.uuid]),
        _screening_data(assessing.instruments.screening.parsed),
    )
    screening = Screening.objects.get(person=assessing.person_a)
    assert {a["answer"] for a in screening.bias_answers.values()} == {"no"}  # stored: the code
    html = client.get(reverse("assessments:screening", args=[screening.uuid])).content.decode()
    with translation.override("sq"):
        no = gettext("No")
    assert no != "No" and f"<strong>{no}</strong>" in html and "<strong>no</strong>" not in html


@pytest.mark.parametrize("language", ["sq", "mk"])
def test_a_step_a_conference_completed_says_so_in_the_readers_language(world, language):
    w = release_builders.ensure_releasing(world)
    conference = conference_builders.scheduled(w)
    conference_builders.hold(w, conference, days_ago=1)
    step = release_builders.steps_by_code(w)["case_conference"]
    step.refresh_from_db()
    assert step.evidence_code == "conference_held" and step.evidence == ""
    html = (
        _in(language, login(w.manager_a)).get(reverse("release:step", args=[step.uuid])).content.decode()
    )
    with translation.override(language):
        expected = gettext("Case conference held on %(date)s (%(conference)s).") % {
            "date": step.completed_on.strftime("%d.%m.%Y"),
            "conference": conference.uuid,
        }
    assert expected in html and "Case conference held on" not in html


def test_the_migration_turns_a_conference_sentence_in_any_language_into_the_code(world):
    migration = importlib.import_module("alliance.release.migrations.0004_step_evidence_code")
    w = release_builders.ensure_releasing(world)
    conference = conference_builders.scheduled(w)
    conference_builders.hold(w, conference, days_ago=1)
    step = release_builders.steps_by_code(w)["case_conference"]
    conference.refresh_from_db()
    # as stored before the codes, by a manager reading Macedonian
    step.evidence = f"Конференција за случај одржана на 26.11.2026 ({conference.uuid})."
    step.evidence_code, step.evidence_params = "", {}
    step.save()
    migration.sentences_to_codes(apps, None)
    step.refresh_from_db()
    assert (step.evidence, step.evidence_code) == ("", "conference_held")
    assert step.evidence_params == {
        "held_on": conference.held_on.isoformat(),
        "conference": str(conference.uuid),
    }
    # evidence a person wrote, even naming a conference, stays as written
    step.evidence, step.evidence_code = f"Discussed at {conference.uuid}, see minutes", ""
    step.save()
    migration.sentences_to_codes(apps, None)
    step.refresh_from_db()
    assert step.evidence == f"Discussed at {conference.uuid}, see minutes"


def test_the_subject_access_export_withholds_the_due_details_parameters(world):
    # the indicators of an escalated observation are security intelligence, code or sentence
    _escalate(world)
    data = export.collect(world.person_a)
    section = next(s for s in data["sections"] if s["code"] == "assessments")
    due = next(r for r in section["records"] if r["type"] == "assessments.assessmentdue")
    assert due["fields"]["detail"] == {"withheld": "security_intelligence"}
    assert due["fields"]["detail_params"] == {"withheld": "security_intelligence"}
    assert "attack_talk" not in json.dumps(data, default=str)
