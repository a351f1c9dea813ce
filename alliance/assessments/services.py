"""Every write to instruments, screenings and assessments: atomic, permission re-checked,
validated against the instrument, audited, on the timeline."""

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.compartments import Compartment
from alliance.core.errors import Conflict, check_version
from alliance.core.i18n import current_language
from alliance.core.models import AuditAction
from alliance.people import timeline
from alliance.people.access import person_grant
from alliance.people.key_dates import add_months

from . import accreditation, work
from .access import AssessmentAction, allowed_actions, can_countersign, can_read_treatment
from .instruments import NOT_APPLICABLE, UNKNOWN, InstrumentDefinitionError, parse_definition
from .instruments.definition import languages_added
from .instruments.scoring import (
    RatingError,
    incomplete_items,
    validate_factor,
    validate_rating,
)
from .labels import rating_error_message
from .models import (
    ALLOWED_TRANSITIONS,
    AdditionalFactor,
    Assessment,
    AssessmentDue,
    AssessmentParticipant,
    AssessmentStatus,
    BiasAnswer,
    DueDetail,
    DueReason,
    Instrument,
    InstrumentKind,
    InstrumentVersion,
    ItemRating,
    ParticipantRole,
    Screening,
    ScreeningOccasion,
)

SOURCE_KINDS = ["interview", "file", "observation", "collateral", "other"]
# The kinds taken through the assessment workflow (draft, ratings, countersignature). A screening
# is one form (screening_create); an alliance measure is taken by the plans module.
ASSESSED_KINDS = (InstrumentKind.RISK_NEEDS, InstrumentKind.CHECKLIST)


# --- instruments -------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstrumentLoad:
    """What instrument_load did with a file: published a new version (`created`), gave a
    published one the `languages_added`, or nothing (the same content was already published)."""

    version: InstrumentVersion
    created: bool = False
    languages_added: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        """Whether the load changed what is published (a new version or new languages)."""
        return self.created or bool(self.languages_added)

    def __iter__(self):
        # Unpacks as (version, published): the shape instrument_load returned before a load
        # could add languages, which the fixtures, the demo and the benchmarks still use.
        return iter((self.version, self.published))

    def message(self) -> str:
        """What was done, for the loading page and the command, in the active language."""
        params = {"name": self.version.parsed.name.get(current_language()),
                  "version": self.version.version,
                  "languages": ", ".join(self.languages_added)}
        if self.created:
            return _("Published %(name)s %(version)s.") % params
        if self.languages_added:
            return _("Added %(languages)s to %(name)s %(version)s.") % params
        return _("%(name)s %(version)s was already published with the same content.") % params


@transaction.atomic
def instrument_load(*, actor, text: str, filename: str = "") -> InstrumentLoad:
    """Validate and publish a definition. Returns what was done (InstrumentLoad; it unpacks as
    (version, published), published False when the same content was already published).
    Published versions are immutable: loading the same code and version with different content
    is refused, with one exception. A file that only adds languages (every published text word
    for word the same, and structure, codes and scoring too) gives the published version those
    languages: a rating's meaning cannot change, and a service need not issue a new version,
    nor re-certify assessors, to read a tool in its own language. That is audited as its own
    change, naming the languages added."""
    definition = parse_definition(text, filename=filename)  # raises InstrumentDefinitionError
    instrument, _created = Instrument.objects.get_or_create(
        code=definition.code, defaults={"kind": definition.kind.value,
                                        "name": definition.name.get("en")})
    if instrument.kind != definition.kind.value:
        raise InstrumentDefinitionError([f"kind: {definition.code} is a {instrument.kind} "
                                         f"instrument; a version cannot change its kind"],
                                        filename=filename)
    # Locked: two administrators adding languages at once must not both start from the same
    # published definition and lose one another's languages.
    existing = InstrumentVersion.objects.select_for_update().filter(
        instrument=instrument, version=definition.version).first()
    if existing:
        if existing.content_hash == definition.content_hash:
            return InstrumentLoad(version=existing)
        added = languages_added(existing.parsed, definition)
        if added:
            version = _instrument_languages_add(actor=actor, version=existing,
                                                definition=definition, added=added,
                                                filename=filename)
            return InstrumentLoad(version=version, languages_added=added)
        raise InstrumentDefinitionError([
            f"version: {definition.code} {definition.version} is already published with "
            "different content; published versions are immutable, give this one a new version"],
            filename=filename)
    version = InstrumentVersion.objects.create(
        instrument=instrument, version=definition.version, content_hash=definition.content_hash,
        definition=json.loads(definition.canonical_json), licence=definition.licence,
        loaded_by=actor if actor and actor.is_authenticated else None)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=version,
                 details={"code": definition.code, "version": definition.version,
                          "hash": definition.content_hash, "file": filename})
    return InstrumentLoad(version=version, created=True)


def _instrument_languages_add(*, actor, version: InstrumentVersion, definition, added,
                              filename: str) -> InstrumentVersion:
    """Store the translated definition of a published version (instrument_load checked that
    it differs only by the languages `added`), under its new content hash."""
    previous_hash = version.content_hash
    version.definition = json.loads(definition.canonical_json)
    version.content_hash = definition.content_hash
    version.save(update_fields=["definition", "content_hash", "updated_at"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=version,
                 details={"change": "languages_added", "code": definition.code,
                          "version": definition.version, "languages": list(added),
                          "previous_hash": previous_hash, "hash": definition.content_hash,
                          "file": filename})
    return version


def active_versions(kind: str):
    """The newest active version of each instrument of this kind, newest first."""
    seen, result = set(), []
    for v in InstrumentVersion.objects.filter(
            instrument__kind=kind, is_active=True).select_related("instrument").order_by(
            "instrument__code", "-created_at"):
        if v.instrument_id not in seen:
            seen.add(v.instrument_id)
            result.append(v)
    return result


# --- what is due -------------------------------------------------------------------------------

def mark_reassessment_due(*, person, reason: str, compartment: str, detail: str = "",
                          detail_params: dict | None = None, actor=None,
                          due_on: datetime.date | None = None) -> AssessmentDue:
    """The significant-event trigger other modules call (an observation escalation, a refusal
    pattern): the person's next risk and needs assessment becomes due now (or on `due_on`). An
    earlier due date is never pushed back.

    `compartment` is the compartment of the source of `detail` (Compartment.SECURITY for an
    escalated observation): the detail is shown only to its holders; everyone else who sees the
    person sees only the reason's kind ("significant new information").

    `detail` is a DueDetail code and `detail_params` its parameters (dates as ISO text): the
    sentence is written in each reader's language when shown, never stored."""
    if compartment not in Compartment.values:
        raise ValueError(f"unknown compartment {compartment!r}")
    if detail and detail not in DueDetail.values:
        raise ValueError(f"unknown due detail {detail!r}: add a DueDetail code, not a sentence")
    detail_params = {k: v.isoformat() if isinstance(v, datetime.date) else v
                     for k, v in (detail_params or {}).items()}
    due_on = due_on or timezone.localdate()
    with transaction.atomic():
        due, created = AssessmentDue.objects.select_for_update().get_or_create(
            person=person, defaults={"due_on": due_on, "reason": reason, "detail": detail,
                                     "detail_params": detail_params,
                                     "detail_compartment": compartment})
        if not created and (due_on <= due.due_on or reason == DueReason.SIGNIFICANT_EVENT):
            due.due_on, due.reason = min(due_on, due.due_on), reason
            due.detail, due.detail_params = detail, detail_params
            due.detail_compartment = compartment
            due.save()
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=due, person=person,
                     object_type="assessments.assessmentdue",
                     details={"due_on": due.due_on.isoformat(), "reason": reason,
                              "compartment": compartment})
        work.on_due_changed(due, actor)
    return due


def _schedule_next(person, countersigned_on: datetime.date) -> AssessmentDue:
    interval = person.jurisdiction.reassessment_interval_months
    due, _ = AssessmentDue.objects.update_or_create(person=person, defaults={
        "due_on": add_months(countersigned_on, interval), "reason": DueReason.INTERVAL,
        "detail": "", "detail_params": {}, "detail_compartment": ""})
    work.on_due_changed(due, None)
    return due


# --- screening ---------------------------------------------------------------------------------

def _translated_rating_error(exc: RatingError, definition=None) -> str:
    from django.utils.translation import get_language

    if definition is None:
        return _("%(item)s: this rating is not on the item's scale, or “unknown” is not allowed "
                 "for it.") % {"item": exc.item_code}
    return rating_error_message(definition, exc, get_language() or "en")


@transaction.atomic
def screening_create(*, actor, person, instrument_version, occasion: str, ratings: dict,
                     evidence: dict, bias_answers: dict, outcome: str, review_on=None,
                     rationale: str = "") -> Screening:
    """Record a completed screening. "Refer" puts the person on the assessment-due worklist."""
    if not can_read_treatment(person_grant(actor, person)):
        raise PermissionDenied(_("Screening is done by staff of the treatment sector."))
    definition = instrument_version.parsed
    if definition.kind.value != InstrumentKind.SCREENING or not instrument_version.is_active:
        raise ValidationError(_("Choose a screening instrument that is offered."))
    errors = {}
    if occasion not in ScreeningOccasion.values:
        errors["occasion"] = _("Choose the occasion.")
    unknown_codes = (set(ratings) | set(evidence)) - {i.code for i in definition.items}
    questions = {q.code for q in definition.bias_check.questions} if definition.bias_check else set()
    unknown_codes |= set(bias_answers) - questions
    if unknown_codes:
        errors["__all__"] = _("Unknown item or question: %(codes)s") % {
            "codes": ", ".join(sorted(unknown_codes))}
    for code, rating in ratings.items():
        try:
            validate_rating(definition, code, rating)
        except RatingError as exc:
            errors[f"item_{code}"] = _translated_rating_error(exc, definition)
    for item in definition.items:
        rating = ratings.get(item.code)
        if rating is None:
            if item.required:
                errors.setdefault(f"item_{item.code}", _("Rate this indicator."))
            continue
        scale = definition.scale_of(item)
        point = scale.point(rating) if isinstance(rating, str) else None
        # Evidence is asked for what was observed: "not observed" needs no description.
        observed = point is None or point.value > scale.lowest
        if item.evidence_required and observed and not evidence.get(item.code, "").strip():
            errors.setdefault(f"evidence_{item.code}", _("Describe what was observed."))
    if definition.bias_check:
        for q in definition.bias_check.questions:
            if bias_answers.get(q.code, {}).get("answer") not in BiasAnswer.values:
                errors[f"bias_{q.code}"] = _("Answer the bias check question.")
    option = definition.outcomes.option(outcome) if definition.outcomes else None
    if option is None:
        errors["outcome"] = _("Choose an outcome.")
    elif option.review_date_required and not review_on:
        errors["review_on"] = _("Give the date of the review.")
    if review_on and review_on <= timezone.localdate():
        errors["review_on"] = _("The review date must be in the future.")
    if definition.outcomes and definition.outcomes.rationale_required and not rationale.strip():
        errors["rationale"] = _("Explain the outcome.")
    if errors:
        raise ValidationError(errors)
    screening = Screening.objects.create(
        person=person, instrument_version=instrument_version, occasion=occasion, ratings=ratings,
        evidence={k: v for k, v in evidence.items() if v.strip()}, bias_answers=bias_answers,
        outcome=outcome, review_on=review_on, rationale=rationale.strip(), screened_by=actor,
        screened_at=timezone.now())
    timeline.add(person=person, kind="screening_recorded", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"outcome": option.label.get("en"), "outcome_code": outcome,
                                      "instrument": instrument_version.instrument.code})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=screening, person=person,
                 details={"outcome": outcome, "instrument": instrument_version.reference})
    # By convention (docs/instruments.md) an outcome whose code starts with "refer" refers the
    # person for a full assessment.
    if outcome.startswith("refer"):
        # The screening itself (date, outcome) is on the person page: nothing to add here.
        mark_reassessment_due(person=person, reason=DueReason.FIRST_ASSESSMENT, actor=actor,
                              compartment=Compartment.TREATMENT)
    return screening


# --- assessment workflow -----------------------------------------------------------------------

def _require(actor, assessment, action, message):
    if action not in allowed_actions(actor, assessment):
        raise PermissionDenied(message)


def _lock(assessment, expected_version=None) -> Assessment:
    locked = (Assessment.objects.select_for_update().select_related(
        "person__jurisdiction", "instrument_version__instrument")
        .defer("instrument_version__definition").get(pk=assessment.pk))
    check_version(locked, expected_version)
    return locked


def _move(assessment, to: str):
    if to not in ALLOWED_TRANSITIONS[AssessmentStatus(assessment.status)]:
        raise ValidationError(_("An assessment that is %(status)s cannot be %(action)s.") % {
            "status": assessment.get_status_display().lower(),
            "action": AssessmentStatus(to).label.lower()})
    assessment.status = to
    assessment.version += 1


@transaction.atomic
def assessment_start(*, actor, person, instrument_version, corrects=None,
                     correction_reason: str = "") -> Assessment:
    """Open a draft with the actor as lead assessor."""
    if not can_read_treatment(person_grant(actor, person)):
        raise PermissionDenied(_("Assessments are done by staff of the treatment sector."))
    if instrument_version.instrument.kind not in ASSESSED_KINDS:
        raise ValidationError(_("Choose a risk and needs instrument or a checklist: a screening "
                                "is recorded with the screening form, and a working-alliance "
                                "measure from the person's plan."))
    if not instrument_version.is_active and corrects is None:
        raise ValidationError(_("This instrument version is no longer offered."))
    assessment = Assessment.objects.create(
        person=person, instrument_version=instrument_version, lead_assessor=actor,
        corrects=corrects, correction_reason=correction_reason)
    AssessmentParticipant.objects.create(assessment=assessment, user=actor,
                                         role=ParticipantRole.LEAD, added_by=actor,
                                         added_at=timezone.now())
    audit.record(actor=actor, action=AuditAction.CREATE, obj=assessment, person=person,
                 details={"instrument": instrument_version.reference,
                          "corrects": str(corrects.uuid) if corrects else ""})
    return assessment


@transaction.atomic
def assessment_rate_item(*, actor, assessment, item_code: str, rating, evidence: str = "",
                         expected_stamp: str | None = None) -> ItemRating | None:
    """Save one item's answer and evidence; a rating of None clears the item. `expected_stamp`
    is the rated_at the user saw (empty when the item was unrated): a co-assessor's newer rating
    is never overwritten. The answer is checked against the instrument (scale, unknown, not
    applicable, conditions) and, where the item requires it, must carry evidence."""
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may rate its items."))
    assessment = _lock(assessment)
    if not assessment.is_editable:
        raise ValidationError(_("This assessment can no longer be changed."))
    definition = assessment.instrument_version.parsed
    if not definition.has_item(item_code):
        raise ValidationError({"rating": _("This instrument has no such item.")})
    item = definition.item(item_code)
    rows = {r.item_code: r for r in ItemRating.objects.filter(assessment=assessment)}
    current = rows.get(item_code)

    def check_stamp():
        if expected_stamp is not None:
            seen = current.rated_at.isoformat() if current else ""
            if seen != expected_stamp:
                raise Conflict()

    if rating is None:
        check_stamp()
        if current is not None:
            current.delete()
            audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment,
                         person=assessment.person, details={"item": item_code, "cleared": True})
        return None
    context = {code: r.rating for code, r in rows.items() if code != item_code}
    try:
        validate_rating(definition, item_code, rating, context)
    except RatingError as exc:
        raise ValidationError({"rating": _translated_rating_error(exc, definition)}) from None
    if item.evidence_required and not evidence.strip():
        raise ValidationError({"evidence": _(
            "%(item)s needs its evidence: say what the rating rests on (or, for “unknown” or "
            "“not applicable”, why). The rating is not saved yet.") % {"item": item_code}})
    check_stamp()
    item_rating, _created = ItemRating.objects.update_or_create(
        assessment=assessment, item_code=item_code, defaults={
            "rating": rating, "evidence": evidence.strip(), "rated_by": actor,
            "rated_at": timezone.now()})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment,
                 person=assessment.person, details={
                     "item": item_code, "unknown": rating == UNKNOWN,
                     "not_applicable": rating == NOT_APPLICABLE})
    return item_rating


def _factor_problems(definition, domain: str, name: str, rating, evidence: str) -> dict:
    slot = definition.factor_slot(domain)
    if slot is None:
        return {"domain": _("This part of the instrument takes no additional factors.")}
    problems = {}
    if not name.strip():
        problems["name"] = _("Name the factor.")
    try:
        validate_factor(definition, domain, rating)
    except RatingError as exc:
        problems["rating"] = _translated_rating_error(exc, definition)
    if slot.evidence_required and not evidence.strip():
        problems["evidence"] = _("Give the evidence for this factor.")
    return problems


@transaction.atomic
def factor_add(*, actor, assessment, domain: str, name: str, rating, evidence: str = "",
               expected_version: int | None = None) -> AdditionalFactor:
    """Add an open-ended factor (format 2) to a domain that allows them, or to the instrument
    (domain ""), up to the instrument's maximum."""
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may add factors."))
    assessment = _lock(assessment, expected_version)
    if not assessment.is_editable:
        raise ValidationError(_("This assessment can no longer be changed."))
    definition = assessment.instrument_version.parsed
    problems = _factor_problems(definition, domain, name, rating, evidence)
    if problems:
        raise ValidationError(problems)
    slot = definition.factor_slot(domain)
    if assessment.additional_factors.filter(domain=domain).count() >= slot.maximum:
        raise ValidationError({"name": _("At most %(n)s additional factors can be added here.")
                               % {"n": slot.maximum}})
    factor = AdditionalFactor.objects.create(
        assessment=assessment, domain=domain, name=name.strip(), rating=rating,
        evidence=evidence.strip(), rated_by=actor, rated_at=timezone.now())
    assessment.version += 1
    assessment.save(update_fields=["version", "updated_at"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"additional_factor": str(factor.uuid), "domain": domain})
    return factor


@transaction.atomic
def factor_update(*, actor, assessment, factor, name: str, rating, evidence: str = "",
                  expected_stamp: str | None = None) -> AdditionalFactor:
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may change its factors."))
    assessment = _lock(assessment)
    if not assessment.is_editable:
        raise ValidationError(_("This assessment can no longer be changed."))
    factor = AdditionalFactor.objects.select_for_update().get(pk=factor.pk,
                                                              assessment=assessment)
    if expected_stamp is not None and factor.rated_at.isoformat() != expected_stamp:
        raise Conflict()
    problems = _factor_problems(assessment.instrument_version.parsed, factor.domain, name, rating,
                                evidence)
    if problems:
        raise ValidationError(problems)
    factor.name, factor.rating, factor.evidence = name.strip(), rating, evidence.strip()
    factor.rated_by, factor.rated_at = actor, timezone.now()
    factor.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"additional_factor": str(factor.uuid), "domain": factor.domain})
    return factor


@transaction.atomic
def factor_remove(*, actor, assessment, factor, expected_version: int | None = None) -> None:
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may remove its factors."))
    assessment = _lock(assessment, expected_version)
    if not assessment.is_editable:
        raise ValidationError(_("This assessment can no longer be changed."))
    pk, public_id = factor.pk, str(factor.uuid)
    AdditionalFactor.objects.filter(pk=pk, assessment=assessment).delete()
    assessment.version += 1
    assessment.save(update_fields=["version", "updated_at"])
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"additional_factor": public_id, "removed": True})


@transaction.atomic
def assessment_update(*, actor, assessment, expected_version: int | None, **fields) -> Assessment:
    """Sources, formulation, overall judgement, rationale, consensus note."""
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may change it."))
    assessment = _lock(assessment, expected_version)
    if not assessment.is_editable:
        raise ValidationError(_("This assessment can no longer be changed."))
    allowed = {"sources", "formulation", "overall_judgement", "judgement_rationale",
               "consensus_note", "domain_judgements"}
    if set(fields) - allowed:
        raise ValueError(f"Not editable here: {sorted(set(fields) - allowed)}")
    definition = assessment.instrument_version.parsed
    judgement = fields.get("overall_judgement")
    if judgement and (not definition.overall_judgement
                      or not definition.overall_judgement.option(judgement)):
        formulation_only = (definition.overall_judgement is not None
                            and definition.overall_judgement.formulation_only)
        raise ValidationError({"overall_judgement": _(
            "This instrument's overall judgement is the formulation only, with no level.")
            if formulation_only else _("Choose one of the instrument's options.")})
    if "domain_judgements" in fields:
        fields["domain_judgements"] = _checked_domain_judgements(
            definition, {**assessment.domain_judgements, **fields["domain_judgements"]})
    for source in fields.get("sources", []):
        if source.get("kind") not in SOURCE_KINDS or not str(source.get("description", "")).strip():
            raise ValidationError({"sources": _("Each source needs a type and a description.")})
    for name, value in fields.items():
        setattr(assessment, name, value.strip() if isinstance(value, str) else value)
    assessment.version += 1
    assessment.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"fields": sorted(fields)})
    return assessment


def _checked_domain_judgements(definition, judgements) -> dict:
    """{domain: {"judgement": option, "rationale": text}} for domains that ask for one; an
    empty judgement and rationale removes the entry."""
    if not isinstance(judgements, dict):
        raise ValidationError({"domain_judgements": _("Give a judgement per domain.")})
    cleaned = {}
    for code, entry in judgements.items():
        domain = next((d for d in definition.domains if d.code == code), None)
        if domain is None or domain.judgement is None:
            raise ValidationError({"domain_judgements": _(
                "%(domain)s is not a domain that is judged.") % {"domain": str(code)[:64]}})
        entry = entry if isinstance(entry, dict) else {}
        option = str(entry.get("judgement") or "")
        rationale = str(entry.get("rationale") or "").strip()
        if option and domain.judgement.option(option) is None:
            raise ValidationError({f"domain_{code}": _("Choose one of the instrument's "
                                                       "options.")})
        if option or rationale:
            cleaned[code] = {"judgement": option, "rationale": rationale}
    return cleaned


@transaction.atomic
def assessment_invite(*, actor, assessment, user) -> AssessmentParticipant:
    """Invite a co-assessor: someone who holds the treatment compartment for this person."""
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may invite a co-assessor."))
    assessment = _lock(assessment)
    if not assessment.is_editable:
        raise ValidationError(_("This assessment can no longer be changed."))
    if not can_read_treatment(person_grant(user, assessment.person)):
        raise ValidationError({"user": _("A co-assessor must work in treatment with access to "
                                         "this person.")})
    if assessment.participants.filter(user=user).exists():
        raise ValidationError({"user": _("Already an assessor of this assessment.")})
    participant = AssessmentParticipant.objects.create(
        assessment=assessment, user=user, role=ParticipantRole.CO_ASSESSOR, added_by=actor,
        added_at=timezone.now())
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"co_assessor": user.username})
    return participant


def ratings_of(assessment) -> tuple[dict, dict]:
    rows = list(assessment.ratings.all())
    return {r.item_code: r.rating for r in rows}, {r.item_code: r.evidence for r in rows}


def submission_problems(assessment) -> dict[str, str]:
    """Everything that stops this assessment from being submitted, in the user's language."""
    definition = assessment.instrument_version.parsed
    ratings, evidence = ratings_of(assessment)
    problems = {}
    for code, problem in incomplete_items(definition, ratings, evidence).items():
        if problem == "not rated":
            message = _("%(item)s is not rated.")
        elif problem.startswith("not rated: "):
            message = _("%(item)s: %(rating)s is not rated.")
        elif problem == "not asked":
            message = _("%(item)s is rated, but it is asked only when %(other)s is at least "
                        "“%(at_least)s”: clear its rating, or change %(other)s.")
        else:
            message = _("%(item)s needs evidence.")
        item = definition.item(code)
        when = item.when
        problems[f"item_{code}"] = message % {
            "item": code, "rating": problem.removeprefix("not rated: "),
            "other": when.item if when else "",
            "at_least": _point_label(definition, when) if when else ""}
    for domain in definition.domains:
        if domain.judgement is None:
            continue
        entry = assessment.domain_judgements.get(domain.code, {})
        if not entry.get("judgement"):
            problems[f"domain_{domain.code}"] = _("Give the judgement of %(domain)s.") % {
                "domain": domain.name.get(get_language() or "en")}
        elif domain.judgement.rationale_required and not entry.get("rationale", "").strip():
            problems[f"domain_{domain.code}"] = _("Give the rationale for the judgement of "
                                                  "%(domain)s.") % {
                "domain": domain.name.get(get_language() or "en")}
    if not assessment.sources:
        problems["sources"] = _("Record at least one source of information consulted.")
    choice = definition.overall_judgement
    if choice is not None and choice.formulation_only:
        if not assessment.formulation.strip():
            problems["formulation"] = _("Write the formulation: for this instrument it is the "
                                        "overall judgement.")
    elif choice is not None:
        if not assessment.overall_judgement:
            problems["overall_judgement"] = _("Give the overall professional judgement.")
        if choice.rationale_required and not assessment.judgement_rationale.strip():
            problems["judgement_rationale"] = _("Give the rationale for the overall judgement.")
    return problems


def _point_label(definition, when) -> str:
    target = definition.item(when.item)
    spec = target.rating_spec(when.rating) if when.rating else target.primary
    point = definition.scale(spec.scale).point(when.at_least)
    return point.label.get(get_language() or "en") if point else when.at_least


@transaction.atomic
def assessment_submit(*, actor, assessment, expected_version: int | None) -> Assessment:
    """Submit for countersignature: complete, and by a currently certified assessor."""
    _require(actor, assessment, AssessmentAction.EDIT,
             _("Only the assessors of a draft may submit it."))
    assessment = _lock(assessment, expected_version)
    if not accreditation.is_certified(actor, assessment.instrument_version):
        raise ValidationError(_("You are not currently certified for %(instrument)s. Ask a "
                                "certified colleague to submit, or renew your certification.")
                              % {"instrument": assessment.instrument_version})
    problems = submission_problems(assessment)
    if problems:
        raise ValidationError(problems)
    _move(assessment, AssessmentStatus.SUBMITTED)
    assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
    assessment.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"status": "submitted"})
    work.on_submitted(assessment, actor)
    return assessment


@transaction.atomic
def assessment_countersign(*, actor, assessment, expected_version: int | None) -> Assessment:
    """A manager who is not one of its assessors countersigns; the assessment becomes final,
    the one it replaces is superseded, and the next reassessment is scheduled."""
    assessment = _lock(assessment, expected_version)
    participants = set(assessment.participants.values_list("user_id", flat=True))
    if actor.pk in participants:
        raise ValidationError(_("You cannot countersign an assessment you took part in."))
    if not can_countersign(actor, assessment.person):
        raise PermissionDenied(_("Only a manager of the responsible agency may countersign."))
    _move(assessment, AssessmentStatus.COUNTERSIGNED)
    assessment.countersigned_at, assessment.countersigned_by = timezone.now(), actor
    assessment.save()
    previous = Assessment.objects.filter(
        person=assessment.person, status=AssessmentStatus.COUNTERSIGNED,
        instrument_version__instrument=assessment.instrument_version.instrument,
    ).exclude(pk=assessment.pk)
    for old in previous:
        _move(old, AssessmentStatus.SUPERSEDED)
        old.save()
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=old, person=old.person,
                     details={"status": "superseded", "by": str(assessment.uuid)})
    due = _schedule_next(assessment.person, timezone.localdate())
    choice = assessment.instrument_version.parsed.overall_judgement
    judgement = choice.option(assessment.overall_judgement) if choice else None
    timeline.add(person=assessment.person, kind="assessment_countersigned",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"judgement": judgement.label.get("en") if judgement else "",
                         "judgement_code": assessment.overall_judgement,
                         "instrument": assessment.instrument_version.instrument.code})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"status": "countersigned", "next_due": due.due_on.isoformat()})
    work.on_countersigned(assessment, actor)
    return assessment


@transaction.atomic
def assessment_return(*, actor, assessment, comments: str,
                      expected_version: int | None) -> Assessment:
    """Send a submitted assessment back to its assessors with comments."""
    assessment = _lock(assessment, expected_version)
    if not can_countersign(actor, assessment.person):
        raise PermissionDenied(_("Only a manager of the responsible agency may return it."))
    if actor.pk in set(assessment.participants.values_list("user_id", flat=True)):
        raise ValidationError(_("You cannot review an assessment you took part in."))
    if not comments.strip():
        raise ValidationError({"comments": _("Say what needs to change.")})
    _move(assessment, AssessmentStatus.RETURNED)
    assessment.return_comments = comments.strip()
    assessment.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=assessment, person=assessment.person,
                 details={"status": "returned"})
    work.on_returned(assessment, actor)
    return assessment


@transaction.atomic
def assessment_correct(*, actor, assessment, reason: str) -> Assessment:
    """A countersigned assessment is never edited: a correction is a new draft that copies it,
    with the reason; countersigning the correction supersedes the original."""
    if assessment.status != AssessmentStatus.COUNTERSIGNED:
        raise ValidationError(_("Only a countersigned assessment is corrected this way."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if not can_read_treatment(person_grant(actor, assessment.person)):
        raise PermissionDenied(_("Assessments are done by staff of the treatment sector."))
    draft = assessment_start(actor=actor, person=assessment.person,
                             instrument_version=assessment.instrument_version,
                             corrects=assessment, correction_reason=reason.strip())
    for name in ("sources", "formulation", "overall_judgement", "judgement_rationale",
                 "consensus_note", "domain_judgements"):
        setattr(draft, name, getattr(assessment, name))
    draft.save()
    ItemRating.objects.bulk_create([
        ItemRating(assessment=draft, item_code=r.item_code, rating=r.rating, evidence=r.evidence,
                   rated_by=r.rated_by, rated_at=r.rated_at)
        for r in assessment.ratings.all()])
    AdditionalFactor.objects.bulk_create([
        AdditionalFactor(assessment=draft, domain=f.domain, name=f.name, rating=f.rating,
                         evidence=f.evidence, rated_by=f.rated_by, rated_at=f.rated_at)
        for f in assessment.additional_factors.all()])
    return draft

