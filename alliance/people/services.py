"""Every write to people and custody: atomic, permission re-checked, audited, on the timeline."""

import datetime
import secrets

import django.dispatch
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alliance.core import audit, crypto
from alliance.core.compartments import Compartment
from alliance.core.errors import check_version
from alliance.core.models import AuditAction

from . import timeline
from .access import Action, creatable_agencies, person_grant
from .key_dates import compute_key_dates
from .models import (
    COMPUTED_KEY_DATES,
    IDENTITY_FIELDS,
    ClassificationChange,
    CustodyEpisode,
    DataSubjectCategory,
    KeyDate,
    KeyDateOverride,
    KeyDateSource,
    Person,
    PersonSearchToken,
    RetainedAccess,
    SearchTokenKind,
)

# Sent inside the transaction whenever an episode's key dates change, so that what is computed
# from them (pre-release steps, reassessment dates) is recalculated with them.
key_dates_changed = django.dispatch.Signal()  # kwargs: episode, changes, actor

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
PERSON_FIELDS = [*IDENTITY_FIELDS, "data_subject_category", "responsible_agency"]


def _require(user, person, action):
    if not person_grant(user, person).can(action):
        raise PermissionDenied(_("You are not allowed to do this for this person."))


def new_reference(jurisdiction) -> str:
    """A pseudonymous reference: the jurisdiction's code and random characters, nothing else,
    in upper case (the caseload's search by reference prefix relies on it)."""
    while True:
        ref = f"{jurisdiction.code.upper()}-" + "".join(
            secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if not Person.objects.filter(reference=ref).exists():
            return ref


def search_tokens_for(person: Person) -> list[PersonSearchToken]:
    values = [(SearchTokenKind.FULL_NAME, person.full_name),
              (SearchTokenKind.FULL_NAME, f"{person.family_name} {person.given_name}"),
              (SearchTokenKind.FAMILY_NAME, person.family_name),
              (SearchTokenKind.NATIONAL_ID, person.national_id)]
    values += [(SearchTokenKind.ALIAS, alias) for alias in person.alias_list]
    seen, tokens = set(), []
    for kind, value in values:
        if value and value.strip():
            digest = crypto.blind_index(value)
            if (kind, digest) not in seen:
                seen.add((kind, digest))
                tokens.append(PersonSearchToken(person=person, kind=kind, digest=digest))
    return tokens


def rebuild_search_tokens(person: Person) -> None:
    """Replace the person's keyed search hashes (after a change of name or of keys)."""
    PersonSearchToken.objects.filter(person=person).delete()
    PersonSearchToken.objects.bulk_create(search_tokens_for(person))


def _check_responsible_agency(actor, agency, jurisdiction):
    if agency not in creatable_agencies(actor):
        raise ValidationError({"responsible_agency": _(
            "You can only register people for an agency where you keep records.")})
    if agency.jurisdiction_id != jurisdiction.pk:
        raise ValidationError({"responsible_agency": _(
            "The responsible agency must belong to the person's jurisdiction.")})


@transaction.atomic
def person_create(*, actor, responsible_agency, given_name: str, family_name: str,
                  data_subject_category: str, classification: str, classification_reason: str,
                  aliases: str = "", date_of_birth: datetime.date | None = None,
                  national_id: str = "") -> Person:
    """Register a person under a new pseudonymous reference, with their first classification."""
    jurisdiction = responsible_agency.jurisdiction
    _check_responsible_agency(actor, responsible_agency, jurisdiction)
    if not classification_reason.strip():
        raise ValidationError({"classification_reason": _("Give the reason for the classification.")})
    person = Person(
        reference=new_reference(jurisdiction), jurisdiction=jurisdiction,
        responsible_agency=responsible_agency, given_name=given_name.strip(),
        family_name=family_name.strip(), aliases=aliases.strip(), date_of_birth=date_of_birth,
        national_id=national_id.strip(), data_subject_category=data_subject_category,
        classification=classification,
    )
    person.full_clean()
    person.save()
    rebuild_search_tokens(person)
    now = timezone.now()
    ClassificationChange.objects.create(person=person, previous="", new=classification,
                                        reason=classification_reason, changed_by=actor,
                                        changed_at=now)
    timeline.add(person=person, kind="person_registered", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"reference": person.reference}, occurred_at=now)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=person,
                 details={"fields": PERSON_FIELDS + ["classification"]})
    return person


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int | None, **changes) -> Person:
    """Change identity and details. A stale version raises Conflict; nothing is half-saved."""
    _require(actor, person, Action.EDIT)
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_version(person, expected_version)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    agency = changes.get("responsible_agency")
    if agency is not None and agency != person.responsible_agency and not (
            agency.holds_people and agency.jurisdiction_id == person.jurisdiction_id):
        raise ValidationError({"responsible_agency": _(
            "Choose a prison or probation service of the person's jurisdiction.")})
    changed = [f for f, v in changes.items() if getattr(person, f) != v]
    if not changed:
        return person
    for field, value in changes.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    person.version += 1
    person.full_clean()
    person.save()
    if set(changed) & set(IDENTITY_FIELDS):
        rebuild_search_tokens(person)
    timeline.add(person=person, kind="details_updated", compartment=Compartment.CASE_TEAM,
                 actor=actor)
    # Field names only: the audit trail must not become a second copy of identifying data.
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person,
                 details={"fields": sorted(changed)})
    return person


@transaction.atomic
def person_classify(*, actor, person: Person, classification: str, reason: str,
                    expected_version: int | None) -> Person:
    """Change the classification (VEP / at risk / other), keeping its history and reason."""
    _require(actor, person, Action.CLASSIFY)
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_version(person, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if classification == person.classification:
        raise ValidationError({"classification": _("This is already the classification.")})
    previous = person.classification
    person.classification = classification
    person.version += 1
    person.full_clean()
    person.save()
    ClassificationChange.objects.create(person=person, previous=previous, new=classification,
                                        reason=reason.strip(), changed_by=actor,
                                        changed_at=timezone.now())
    timeline.add(person=person, kind="classification_changed", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"previous": previous, "new": classification})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person,
                 details={"fields": ["classification"], "from": previous, "to": classification})
    return person


def recalculate_key_dates(episode: CustodyEpisode) -> dict[str, list]:
    """Set every computed key date that is not manually overridden. Returns what changed."""
    computed = compute_key_dates(episode.sentence, episode.release_fraction())
    changes = {}
    for kd in COMPUTED_KEY_DATES:
        source_field = f"{kd.value}_source"
        if getattr(episode, source_field) == KeyDateSource.MANUAL_OVERRIDE:
            continue
        new = computed[kd.value]
        old = getattr(episode, kd.value)
        setattr(episode, source_field, KeyDateSource.COMPUTED if new else "")
        if old != new:
            setattr(episode, kd.value, new)
            changes[kd.value] = [_iso(old), _iso(new)]
    return changes


def _iso(value):
    return value.isoformat() if value else None


EPISODE_FIELDS = ["facility", "unit", "admitted_on", "legal_status", "offences",
                  "terrorism_related", "sentence_years", "sentence_months", "sentence_days",
                  "remand_credit_days", "sentence_start", "sentence_start_source"]


def _validate_episode(episode: CustodyEpisode):
    errors = {}
    if episode.unit_id and episode.unit.agency_id != episode.facility_id:
        errors["unit"] = _("This unit belongs to another facility.")
    if episode.facility.type != "prison":
        errors["facility"] = _("Choose a prison.")
    if episode.sentence_start and not episode.sentence_start_source:
        errors["sentence_start_source"] = _("Say where the sentence start date comes from.")
    if episode.sentence_start and episode.sentence_start_source in (
            KeyDateSource.COMPUTED, KeyDateSource.MANUAL_OVERRIDE):
        errors["sentence_start_source"] = _("The sentence start comes from a judgment or record.")
    if episode.legal_status != "remand" and episode.sentence_start and not (
            episode.sentence_years or episode.sentence_months or episode.sentence_days):
        errors["sentence_years"] = _("Enter the length of the sentence.")
    if episode.ended_on and episode.ended_on < episode.admitted_on:
        errors["ended_on"] = _("The end cannot be before the admission.")
    if errors:
        raise ValidationError(errors)
    episode.full_clean()


def expected_release_key_refresh(person_id: int) -> None:
    """Copy the current episode's expected release onto the person row (the caseload's indexed
    sort key). Called in the transaction of every write to what it derives from: an admission,
    a correction or the end of an episode (a release), a key-date override or its removal."""
    expected_release_keys_refresh(Person.objects.filter(pk=person_id))


def expected_release_keys_refresh(people=None) -> int:
    """The same for many people in one UPDATE (all of them by default): for bulk loads such as
    seed_demo, which write episodes without the services. A derived column, not person data:
    the change it follows is audited by the service (or the load) that made it."""
    current = CustodyEpisode.objects.filter(person=OuterRef("pk"), is_current=True)
    people = Person.objects.all() if people is None else people
    return people.update(expected_release_on=Subquery(current.values("expected_release")[:1]))


def _finish_key_dates(*, actor, episode, changes):
    expected_release_key_refresh(episode.person_id)
    if changes:
        key_dates_changed.send(sender=CustodyEpisode, episode=episode, changes=changes,
                               actor=actor)


@transaction.atomic
def custody_episode_create(*, actor, person: Person, **fields) -> CustodyEpisode:
    """Admit the person to a facility. A current episode elsewhere ends as a transfer, and the
    admitting prison becomes responsible for the person."""
    _require(actor, person, Action.MANAGE_CUSTODY)
    person = Person.objects.select_for_update().select_related("jurisdiction").get(pk=person.pk)
    episode = CustodyEpisode(person=person, **{k: v for k, v in fields.items()
                                               if k in EPISODE_FIELDS})
    if episode.facility.jurisdiction_id != person.jurisdiction_id:
        raise ValidationError({"facility": _("Choose a prison of the person's jurisdiction.")})
    previous = CustodyEpisode.objects.filter(person=person, is_current=True).first()
    if previous:
        previous.is_current = False
        previous.ended_on = episode.admitted_on
        previous.release_type = "transfer"
        previous.version += 1
        previous.save()
        audit.record(actor=actor, action=AuditAction.CHANGE, obj=previous,
                     details={"fields": ["is_current", "ended_on", "release_type"]})
    # Validated after the previous episode ended (one current episode per person); a failure
    # rolls both back.
    _validate_episode(episode)
    changes = recalculate_key_dates(episode)
    episode.save()
    person.responsible_agency = episode.facility
    person.version += 1
    person.save()
    timeline.add(person=person, kind="custody_started", compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"facility": episode.facility.name})
    audit.record(actor=actor, action=AuditAction.CREATE, obj=episode,
                 details={"fields": sorted(fields), "key_dates": changes})
    _finish_key_dates(actor=actor, episode=episode, changes=changes)
    return episode


@transaction.atomic
def custody_episode_update(*, actor, episode: CustodyEpisode, expected_version: int | None,
                           **changes) -> CustodyEpisode:
    """Correct an episode; computed key dates follow the sentence unless overridden."""
    _require(actor, episode.person, Action.MANAGE_CUSTODY)
    episode = CustodyEpisode.objects.select_for_update().select_related(
        "person__jurisdiction", "facility").get(pk=episode.pk)
    check_version(episode, expected_version)
    allowed = set(EPISODE_FIELDS) | {"ended_on", "release_type"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changed = [f for f, v in changes.items() if getattr(episode, f) != v]
    if not changed:
        return episode
    for field, value in changes.items():
        setattr(episode, field, value)
    ending = bool(episode.ended_on) and episode.is_current
    if ending:
        if not episode.release_type:
            raise ValidationError({"release_type": _("Say how the custody ended.")})
        episode.is_current = False
    _validate_episode(episode)
    key_changes = recalculate_key_dates(episode)
    episode.version += 1
    episode.save()
    if ending:
        _category_after_release(episode, actor)
    kind = "custody_ended" if ending else "custody_updated"
    timeline.add(person=episode.person, kind=kind, compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"facility": episode.facility.name})
    if key_changes:
        timeline.add(person=episode.person, kind="key_dates_recalculated",
                     compartment=Compartment.CASE_TEAM, actor=actor)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=episode,
                 details={"fields": sorted(changed), "key_dates": key_changes})
    _finish_key_dates(actor=actor, episode=episode, changes=key_changes)
    return episode


# The data-subject category a release leaves a person in custody with (a transfer keeps it).
CATEGORY_AFTER_RELEASE = {"end_of_sentence": DataSubjectCategory.RELEASED,
                          "deportation": DataSubjectCategory.RELEASED,
                          "conditional": DataSubjectCategory.RELEASED_SUPERVISED}


def _category_after_release(episode, actor) -> None:
    """A release moves a person held (on remand or convicted) to released, with or without
    supervision: their data-subject category follows, in the same transaction, audited."""
    new = CATEGORY_AFTER_RELEASE.get(episode.release_type)
    person = Person.objects.select_for_update().get(pk=episode.person_id)
    if new is None or person.data_subject_category not in (DataSubjectCategory.REMAND,
                                                           DataSubjectCategory.CONVICTED):
        return
    previous = person.data_subject_category
    person.data_subject_category = new
    person.version += 1
    person.save(update_fields=["data_subject_category", "version", "updated_at"])
    episode.person = person
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person,
                 details={"fields": ["data_subject_category"], "from": previous, "to": new,
                          "because": "custody_ended"})


def _check_key_date(key_date: str):
    if key_date not in {kd.value for kd in COMPUTED_KEY_DATES}:
        raise ValidationError({"key_date": _("Only computed key dates can be overridden; "
                                             "correct the sentence start in the episode.")})


@transaction.atomic
def key_date_override(*, actor, episode: CustodyEpisode, key_date: str, value: datetime.date,
                      reason: str, expected_version: int | None) -> CustodyEpisode:
    """Set a key date by hand (e.g. conditional release granted), with a required reason."""
    _require(actor, episode.person, Action.MANAGE_CUSTODY)
    _check_key_date(key_date)
    episode = CustodyEpisode.objects.select_for_update().select_related(
        "person__jurisdiction").get(pk=episode.pk)
    check_version(episode, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the override.")})
    if value is None:
        raise ValidationError({"value": _("Enter the date.")})
    if episode.sentence_start and value < episode.sentence_start:
        raise ValidationError({"value": _("The date cannot be before the sentence start.")})
    if key_date == KeyDate.EXPECTED_RELEASE and value < episode.admitted_on:
        raise ValidationError({"value": _(
            "The release cannot be before the admission on %(date)s.") % {
            "date": formats.date_format(episode.admitted_on, "SHORT_DATE_FORMAT")}})
    previous = getattr(episode, key_date)
    setattr(episode, key_date, value)
    setattr(episode, f"{key_date}_source", KeyDateSource.MANUAL_OVERRIDE)
    episode.version += 1
    episode.save()
    KeyDateOverride.objects.create(episode=episode, key_date=key_date, previous_value=previous,
                                   new_value=value, reason=reason.strip(), actor=actor,
                                   at=timezone.now())
    timeline.add(person=episode.person, kind="key_date_overridden",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"key_date": key_date, "value": value.isoformat()})
    changes = {key_date: [_iso(previous), value.isoformat()]}
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=episode,
                 details={"key_date_override": changes, "reason": reason.strip()})
    _finish_key_dates(actor=actor, episode=episode, changes=changes)
    return episode


@transaction.atomic
def key_date_clear_override(*, actor, episode: CustodyEpisode, key_date: str, reason: str,
                            expected_version: int | None) -> CustodyEpisode:
    """Remove a manual override: the computed date applies again."""
    _require(actor, episode.person, Action.MANAGE_CUSTODY)
    _check_key_date(key_date)
    episode = CustodyEpisode.objects.select_for_update().select_related(
        "person__jurisdiction").get(pk=episode.pk)
    check_version(episode, expected_version)
    if getattr(episode, f"{key_date}_source") != KeyDateSource.MANUAL_OVERRIDE:
        raise ValidationError({"key_date": _("This date is not overridden.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing the override.")})
    previous = getattr(episode, key_date)
    setattr(episode, f"{key_date}_source", KeyDateSource.COMPUTED)
    changes = recalculate_key_dates(episode)
    episode.version += 1
    episode.save()
    new = getattr(episode, key_date)
    KeyDateOverride.objects.create(episode=episode, key_date=key_date, previous_value=previous,
                                   new_value=None, reason=reason.strip(), actor=actor,
                                   at=timezone.now())
    timeline.add(person=episode.person, kind="key_date_override_removed",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"key_date": key_date, "value": _iso(new) or "—"})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=episode,
                 details={"key_date_override_removed": key_date, "reason": reason.strip(),
                          "key_dates": changes})
    _finish_key_dates(actor=actor, episode=episode, changes=changes)
    return episode


KEY_DATE_CHOICES = [(kd.value, kd.label) for kd in KeyDate if kd in COMPUTED_KEY_DATES]


def rebuild_all_search_tokens(*, batch_size: int = 500, **kwargs) -> None:
    """Receiver of core.signals.keys_rotated: every person's hashes under the new keys."""
    for person in Person.objects.iterator(chunk_size=batch_size):
        rebuild_search_tokens(person)


# --- responsibility ----------------------------------------------------------------------------

@transaction.atomic
def responsibility_transfer(*, actor, person: Person, to_agency, retain_days: int,
                            source=None, retain_from: datetime.date | None = None) -> Person:
    """Make `to_agency` responsible for the person (the prison hands over to probation on
    release). The agency that was responsible keeps read access through `retain_from` (the
    release; today by default) + `retain_days` (none when 0). Who may do this is the caller's
    rule: the release module's handover, which the receiving agency acknowledges, calls it."""
    person = Person.objects.select_for_update().select_related("responsible_agency").get(
        pk=person.pk)
    previous = person.responsible_agency
    if to_agency.pk == previous.pk:
        raise ValidationError({"to_agency": _("This agency is already responsible.")})
    if not to_agency.holds_people or to_agency.jurisdiction_id != person.jurisdiction_id:
        raise ValidationError({"to_agency": _(
            "Choose a prison or probation service of the person's jurisdiction.")})
    if retain_days < 0:
        raise ValidationError({"retain_days": _("Enter a number of days, 0 or more.")})
    now = timezone.now()
    person.responsible_agency = to_agency
    person.version += 1
    person.save()
    until = None
    if retain_days:
        until = (retain_from or timezone.localdate()) + datetime.timedelta(days=retain_days)
        RetainedAccess.objects.create(person=person, agency=previous, until=until,
                                      granted_at=now, granted_by=actor,
                                      source_uuid=getattr(source, "uuid", None))
    timeline.add(person=person, kind="responsibility_transferred",
                 compartment=Compartment.CASE_TEAM, actor=actor,
                 params={"previous_agency": previous.name, "agency": to_agency.name})
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person,
                 details={"fields": ["responsible_agency"], "from": str(previous.uuid),
                          "to": str(to_agency.uuid),
                          "read_access_kept_until": until.isoformat() if until else None})
    return person


def retained_access_expire(today: datetime.date) -> int:
    """Close, with an audit event and a timeline entry each, the kept read accesses whose date
    has passed (the access rule already stopped at the date; this records that it ended).
    Idempotent: a closed one is not closed again."""
    ended = 0
    due = (RetainedAccess.objects.filter(until__lt=today, ended_at__isnull=True)
           .select_related("person", "agency").order_by("pk"))
    for row in due.iterator(chunk_size=500):
        with transaction.atomic():
            if not RetainedAccess.objects.filter(pk=row.pk, ended_at__isnull=True).update(
                    ended_at=timezone.now()):
                continue
            timeline.add(person=row.person, kind="retained_access_ended",
                         compartment=Compartment.CASE_TEAM,
                         params={"agency": row.agency.name})
            audit.record(actor=None, action=AuditAction.CHANGE, obj=row.person,
                         details={"read_access_ended": str(row.agency.uuid),
                                  "until": row.until.isoformat()})
            ended += 1
    return ended
