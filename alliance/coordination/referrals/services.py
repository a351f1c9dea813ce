"""Every write to referrals: atomic, permission re-checked, 409 on a stale version, audited, on
the person's timeline, with the receiving agency's task and the notifications (work.py).

The status machine is models.REFERRAL_TRANSITIONS. A referral crosses an agency boundary: it is
refused unless an information-sharing agreement in force lets the receiving agency receive the
case team's share (and each scope asked for) from the agency responsible for the person; the
sending is logged as a disclosure under that agreement (people.disclosures)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.models import NON_CASEWORK_ROLES, Membership
from alliance.cases import services as case_services
from alliance.cases.models import Case, CaseStatus
from alliance.core import audit
from alliance.core.compartments import Compartment, DataCategory
from alliance.core.errors import check_version
from alliance.core.models import AuditAction
from alliance.core.text import checked_text as _text
from alliance.organisations.agreements import categories_between
from alliance.organisations.models import SharingAgreement
from alliance.people import disclosures, timeline
from alliance.people.access import Action, person_grant
from alliance.people.models import DisclosureChannel

from ..models import (
    OPEN_REFERRAL,
    REFERRAL_TRANSITIONS,
    DeclineReason,
    DesiredResult,
    Referral,
    ReferralKind,
    ReferralStatus,
    ResultOutcome,
)
from . import work
from .access import (
    ReferralAction,
    on_receiving_side,
    referrals,
    refusal_message,
    sending_agency_ids,
    takes_referrals,
)

# An answer is expected this many days after sending, unless the sender sets a date.
RESPONSE_TARGET_DAYS = 10
# The compartments a referral may ask for the worker, beyond the case team's share.
SCOPES = (Compartment.IDENTITY, Compartment.TREATMENT, Compartment.SECURITY)
MAX_RESULTS = 10


# --- checks --------------------------------------------------------------------------------------

def _labels(categories) -> str:
    names = dict(DataCategory.choices)
    order = list(DataCategory.values)
    return ", ".join(str(names.get(c, c)) for c in sorted(categories, key=order.index))


def covered(person, to_agency) -> dict[str, int]:
    """{category: agreement id} that `to_agency` may receive about `person` today (everything,
    with no agreement needed, when it is the responsible agency itself)."""
    if to_agency.pk == person.responsible_agency_id:
        return {c: None for c in DataCategory.values}
    return categories_between(person.responsible_agency_id, to_agency.pk)


def check_agreement(person, to_agency, scopes) -> int | None:
    """The agreement the referral would cross under (None: no boundary), or ValidationError
    naming what no agreement in force covers."""
    allowed = covered(person, to_agency)
    missing = ({DataCategory.CASE_TEAM, *scopes}) - set(allowed)
    if missing:
        field = "to_agency" if DataCategory.CASE_TEAM in missing else "scopes"
        raise ValidationError({field: _(
            "No information-sharing agreement in force lets %(agency)s receive %(categories)s "
            "from %(responsible)s. Ask your data protection officer.") % {
            "agency": to_agency.name, "categories": _labels(missing),
            "responsible": person.responsible_agency.name}})
    return allowed[DataCategory.CASE_TEAM]


def _from_agency(actor, person):
    agencies = sending_agency_ids(actor, person)
    if not agencies:
        raise PermissionDenied(_("You may not refer this person: refer from an agency "
                                 "responsible for them or on their case team."))
    return agencies[0]


def _open_case(person) -> Case:
    case = Case.objects.filter(person=person, status=CaseStatus.OPEN).first()
    if case is None:
        raise ValidationError(_("%(reference)s has no open case: open one before referring.")
                              % {"reference": person.reference})
    return case


def _clean(person, *, from_agency_id, to_agency, kind, reason, scopes, results, respond_by,
           exclude=None) -> dict:
    """The referral's fields, validated (the same rules for a new draft and an edit)."""
    errors = {}
    if to_agency is None:
        errors["to_agency"] = _("Choose the agency you refer to.")
    elif to_agency.pk == from_agency_id:
        errors["to_agency"] = _("You cannot refer to your own agency: choose another one.")
    elif not takes_referrals(to_agency):
        errors["to_agency"] = _("%(agency)s does not take referrals: choose a probation "
                                "service, a provider, a ministry division, a municipality or a "
                                "prison.") % {"agency": to_agency.name}
    elif to_agency.jurisdiction_id != person.jurisdiction_id:
        errors["to_agency"] = _("Refer to an agency of the person's jurisdiction.")
    if kind not in ReferralKind.values:
        errors["kind"] = _("Choose what the person is referred for.")
    scopes = sorted(set(scopes or []))
    if set(scopes) - set(SCOPES):
        errors["scopes"] = _("Choose from identity, treatment and security.")
    results = [r.strip() for r in (results or []) if r and r.strip()]
    if not results:
        errors["results"] = _("Add at least one result you hope for (one a line).")
    elif len(results) > MAX_RESULTS or any(len(r) > 2000 for r in results):
        errors["results"] = _("Give at most %(max)d results, each under 2000 characters.") % {
            "max": MAX_RESULTS}
    if respond_by is not None and respond_by < timezone.localdate():
        errors["respond_by"] = _("This date has passed: choose today or a later day.")
    try:
        reason = _text(reason, "reason", required=True,
                       message=_("Say what you ask of them, and why."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    check_agreement(person, to_agency, scopes)
    duplicate = Referral.objects.filter(
        person=person, to_agency=to_agency, kind=kind,
        status__in=[ReferralStatus.DRAFT, *OPEN_REFERRAL])
    if exclude is not None:
        duplicate = duplicate.exclude(pk=exclude.pk)
    if duplicate.exists():
        raise ValidationError({"kind": _(
            "A referral of %(reference)s to %(agency)s for this is already open: follow that "
            "one up, or withdraw it first.") % {"reference": person.reference,
                                                 "agency": to_agency.name}})
    return {"to_agency": to_agency, "kind": kind, "reason": reason, "scopes": scopes,
            "results": results, "respond_by": respond_by}


def _save_results(referral, results) -> None:
    referral.results.all().delete()
    DesiredResult.objects.bulk_create([
        DesiredResult(referral=referral, description=text, position=n)
        for n, text in enumerate(results)])


def _lock(referral, expected_version) -> Referral:
    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "person__responsible_agency", "person__jurisdiction", "from_agency", "to_agency",
        "sent_by", "worker").get(pk=referral.pk)
    check_version(referral, expected_version)
    return referral


def _require(actor, referral, action: str) -> None:
    """Re-check on the locked row that `actor` may do `action` (the policy's rule)."""
    if not referrals.grant(actor, referral).can(action):
        raise PermissionDenied(refusal_message(referral, action)
                               or _("You may not do this with this referral."))


def _move(referral, status: str) -> None:
    if status not in REFERRAL_TRANSITIONS[ReferralStatus(referral.status)]:
        raise ValidationError(_("This referral is %(status)s: it cannot be %(to)s.") % {
            "status": referral.get_status_display().lower(),
            "to": ReferralStatus(status).label.lower()})
    referral.status = status
    referral.version += 1


def _timeline(referral, kind: str, actor) -> None:
    timeline.add(person=referral.person, kind=kind, compartment=Compartment.CASE_TEAM,
                 actor=actor, params={"referral_kind": referral.kind,
                                      "agency": referral.to_agency.name})


def _audit(actor, referral, action=AuditAction.CHANGE, **details) -> None:
    audit.record(actor=actor, action=action, obj=referral, person=referral.person,
                 details={"status": referral.status, **details})


# --- the services ------------------------------------------------------------------------------

@transaction.atomic
def referral_create(*, actor, person, to_agency, kind: str, reason: str, scopes=(),
                    results=(), respond_by: datetime.date | None = None,
                    send: bool = False) -> Referral:
    """A draft referral of `person` to `to_agency`, from the actor's agency on the case (the
    responsible agency if they work there, else their case-team place's). With `send`, it is
    sent at once (referral_send)."""
    from_agency_id = _from_agency(actor, person)
    _open_case(person)
    data = _clean(person, from_agency_id=from_agency_id, to_agency=to_agency, kind=kind,
                  reason=reason, scopes=scopes, results=results, respond_by=respond_by)
    results = data.pop("results")
    referral = Referral.objects.create(person=person, from_agency_id=from_agency_id,
                                       created_by=actor, **data)
    _save_results(referral, results)
    _audit(actor, referral, AuditAction.CREATE, to=str(to_agency.uuid), kind=kind,
           scopes=referral.scopes, results=len(results))
    if send:
        return referral_send(actor=actor, referral=referral, expected_version=referral.version)
    return referral


@transaction.atomic
def referral_update(*, actor, referral: Referral, expected_version: int | None, to_agency,
                    kind: str, reason: str, scopes=(), results=(),
                    respond_by: datetime.date | None = None) -> Referral:
    """Change a draft (the sending side)."""
    referral = _lock(referral, expected_version)
    _require(actor, referral, ReferralAction.EDIT)
    data = _clean(referral.person, from_agency_id=referral.from_agency_id, to_agency=to_agency,
                  kind=kind, reason=reason, scopes=scopes, results=results,
                  respond_by=respond_by, exclude=referral)
    results = data.pop("results")
    changed = sorted(name for name, value in data.items() if getattr(referral, name) != value)
    for name, value in data.items():
        setattr(referral, name, value)
    if [r.description for r in referral.results.all()] != results:
        _save_results(referral, results)
        changed.append("results")
    referral.version += 1
    referral.save()
    _audit(actor, referral, fields=changed)
    return referral


@transaction.atomic
def referral_send(*, actor, referral: Referral, expected_version: int | None) -> Referral:
    """Send a draft: the agreement is checked again and relied on, the content disclosed (and
    logged), and the receiving agency given a task to answer by `respond_by` (by default
    RESPONSE_TARGET_DAYS after today)."""
    referral = _lock(referral, expected_version)
    _require(actor, referral, ReferralAction.SEND)
    person = referral.person
    _open_case(person)
    agreement_id = check_agreement(person, referral.to_agency, referral.scopes)
    agreement = (SharingAgreement.objects.get(pk=agreement_id) if agreement_id is not None
                 else None)
    today = timezone.localdate()
    _move(referral, ReferralStatus.SENT)
    referral.sent_at, referral.sent_by = timezone.now(), actor
    referral.respond_by = referral.respond_by or today + datetime.timedelta(
        days=RESPONSE_TARGET_DAYS)
    referral.agreement = agreement
    referral.save()
    disclosures.record(person=person, recipient_agency=referral.to_agency,
                       categories=[DataCategory.CASE_TEAM],
                       purpose=agreement.purpose if agreement else "",
                       channel=DisclosureChannel.REFERRAL, obj=referral, agreement=agreement)
    _timeline(referral, "referral_sent", actor)
    audit.record(actor=actor, action=AuditAction.DISCLOSE, obj=referral, person=person,
                 details={"status": referral.status, "to": str(referral.to_agency.uuid),
                          "agreement": str(agreement.uuid) if agreement else "",
                          "respond_by": referral.respond_by.isoformat()})
    work.on_sent(referral, actor)
    return referral


def _worker_membership(referral, worker) -> Membership:
    membership = Membership.objects.filter(
        user=worker, agency=referral.to_agency, is_active=True, user__is_active=True,
        agency__is_active=True).select_related("user", "agency").first() if worker else None
    if membership is None or not set(membership.roles) - NON_CASEWORK_ROLES:
        raise ValidationError({"worker": _(
            "Choose the worker from the staff of %(agency)s who work with people.") % {
            "agency": referral.to_agency.name}})
    return membership


def _authoriser(referral, case):
    """Who authorised the team change the acceptance makes: the one who sent the referral
    (which asked for it) if they may still manage the case, else the case manager."""
    for user in (referral.sent_by, case.case_manager):
        if user is not None and user.is_active and person_grant(user, referral.person).can(
                Action.MANAGE_CASE):
            return user
    raise ValidationError(_("Nobody who sent this referral may manage the case any more: ask "
                            "%(agency)s to name a case manager first.") % {
        "agency": referral.from_agency.name})


@transaction.atomic
def referral_accept(*, actor, referral: Referral, worker, expected_version: int | None
                    ) -> Referral:
    """The receiving agency accepts and names its worker, who joins the person's case team with
    the scopes asked for that the agreement in force covers (the case team's share always)."""
    referral = _lock(referral, expected_version)
    if not on_receiving_side(actor, referral):
        raise PermissionDenied(_("Only %(agency)s can accept this referral.") % {
            "agency": referral.to_agency.name})
    _move(referral, ReferralStatus.ACCEPTED)
    membership = _worker_membership(referral, worker)
    person = referral.person
    case = _open_case(person)
    allowed = covered(person, referral.to_agency)
    if DataCategory.CASE_TEAM not in allowed:
        raise ValidationError(_(
            "The agreement this referral was sent under is no longer in force: %(agency)s "
            "cannot join the case team. Ask %(from)s to contact their data protection officer.")
            % {"agency": referral.to_agency.name, "from": referral.from_agency.name})
    scopes = [s for s in referral.scopes if s in allowed]
    place = case.team.filter(user=worker, ended_at__isnull=True).first()
    if place is None:
        place = case_services.team_member_add(
            actor=actor, authorised_by=_authoriser(referral, case), case=case,
            membership=membership, team_role=str(ReferralKind(referral.kind).label),
            scopes=scopes)
    referral.worker, referral.team_place = worker, place
    referral.responded_at, referral.responded_by = timezone.now(), actor
    referral.save()
    _timeline(referral, "referral_accepted", actor)
    _audit(actor, referral, worker=worker.get_username(), team_place=str(place.uuid),
           scopes=scopes)
    work.on_answered(referral, actor, accepted=True)
    return referral


@transaction.atomic
def referral_decline(*, actor, referral: Referral, reason: str, note: str = "",
                     expected_version: int | None) -> Referral:
    """The receiving agency declines, with a reason (and a note when the reason is "other")."""
    referral = _lock(referral, expected_version)
    if not on_receiving_side(actor, referral):
        raise PermissionDenied(_("Only %(agency)s can decline this referral.") % {
            "agency": referral.to_agency.name})
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose the reason for declining.")})
    note = _text(note, "note", required=reason == DeclineReason.OTHER,
                 message=_("Say why you decline."))
    _move(referral, ReferralStatus.DECLINED)
    referral.decline_reason, referral.decline_note = reason, note
    referral.responded_at, referral.responded_by = timezone.now(), actor
    referral.save()
    _timeline(referral, "referral_declined", actor)
    _audit(actor, referral, reason=reason)
    work.on_answered(referral, actor, accepted=False)
    return referral


@transaction.atomic
def referral_start(*, actor, referral: Referral, expected_version: int | None) -> Referral:
    """The work with the person has started (the worker or the receiving agency)."""
    referral = _lock(referral, expected_version)
    _require(actor, referral, ReferralAction.START)
    _move(referral, ReferralStatus.IN_PROGRESS)
    referral.started_at = timezone.now()
    referral.save()
    _audit(actor, referral)
    return referral


@transaction.atomic
def referral_complete(*, actor, referral: Referral, outcomes, note: str = "",
                      expected_version: int | None) -> Referral:
    """The work is done: an outcome for each desired result, in their order (`outcomes`: a
    list of {"outcome", "note"}), and a note. The sender is told."""
    referral = _lock(referral, expected_version)
    _require(actor, referral, ReferralAction.COMPLETE)
    results = list(referral.results.all())
    outcomes = list(outcomes or [])
    chosen = {ResultOutcome.ACHIEVED, ResultOutcome.PARTLY, ResultOutcome.NOT_ACHIEVED}
    if len(outcomes) != len(results) or any(
            (o or {}).get("outcome") not in chosen for o in outcomes):
        raise ValidationError({"outcomes": _(
            "Say for each desired result whether it was achieved, partly achieved or not "
            "achieved.")})
    note = _text(note, "note")
    _move(referral, ReferralStatus.COMPLETED)
    for result, given in zip(results, outcomes, strict=True):
        result.outcome = given["outcome"]
        result.note = _text(given.get("note"), "outcomes")
    DesiredResult.objects.bulk_update(results, ["outcome", "note"])
    referral.outcome_note = note
    referral.completed_at, referral.completed_by = timezone.now(), actor
    referral.save()
    _timeline(referral, "referral_completed", actor)
    _audit(actor, referral, outcomes=[r.outcome for r in results])
    work.on_completed(referral, actor)
    return referral


@transaction.atomic
def referral_withdraw(*, actor, referral: Referral, reason: str,
                      expected_version: int | None) -> Referral:
    """The sending side withdraws an open referral, with the reason; the receiving side is
    told. A worker already on the case team stays there until the case manager ends the
    place (the work may still be wanted)."""
    referral = _lock(referral, expected_version)
    _require(actor, referral, ReferralAction.WITHDRAW)
    reason = _text(reason, "reason", required=True, message=_("Say why you withdraw it."))
    was = referral.status
    _move(referral, ReferralStatus.WITHDRAWN)
    referral.withdrawal_reason = reason
    referral.withdrawn_at, referral.withdrawn_by = timezone.now(), actor
    referral.save()
    if was != ReferralStatus.DRAFT:
        _timeline(referral, "referral_withdrawn", actor)
    _audit(actor, referral, previous=was)
    work.on_withdrawn(referral, actor, was_sent=was != ReferralStatus.DRAFT)
    return referral
