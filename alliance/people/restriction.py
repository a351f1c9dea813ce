"""Restriction of processing of a person's record (Directive 2016/680 Art. 16(3), DOMAIN.md §13).

The data protection officer of the person's jurisdiction restricts a record (a reason code and a
note) and lifts the restriction; both are audited. While a record is restricted:
  * every write to that person's data is refused, whatever the module or interface — first by
    `core.policy.get_for_user`, which refuses a write action on any object whose person is
    restricted (403, `record_restricted` in the API) and returns read-only grants, and then, as a
    safety net for a service that loads objects another way, by `guard_write` on every model's
    pre_save / pre_delete (a guard only: the refusal is audited by the request's middleware);
  * every read of a single object of that person states a purpose (core/purpose.py);
  * a banner says so on each page of that person (`banner`).
The DPO's own restrict/lift and the erasure of the retention review run inside `bypass()`.
"""

import contextlib
import contextvars

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core import audit, context, policy
from alliance.core.models import AuditAction
from alliance.core.text import clean_text

from .models import Person, Restriction, RestrictionReason

MEMO_KEY = "restriction_banner"

# Records that may be written for a restricted person: they are not the person's data but the
# record of what is done with it (the trail, the disclosures, the restriction itself), or access
# and work administration that jobs maintain (ending retained access; tasks and notifications
# carry no content, only a reference and a link; the next assessment's due date is derived), or
# the retention review's own records (a restricted record is still reviewed; erasure itself runs
# inside `bypass`).
NOT_GUARDED = {
    "core.auditevent", "people.disclosure", "people.restriction", "people.retainedaccess",
    "work.task", "work.notification", "assessments.assessmentdue",
    "retention.reviewitem", "retention.erasurerecord", "retention.personretention",
}

_bypass: contextvars.ContextVar[bool] = contextvars.ContextVar("restriction_bypass",
                                                               default=False)


@contextlib.contextmanager
def bypass():
    """Let writes to restricted records through: only for the DPO's restrict/lift and the
    erasure after a retention review, which audit what they do themselves."""
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)


def is_restricted(person) -> bool:
    """Whether `person`'s record is restricted (read from the person as loaded)."""
    return person is not None and getattr(person, "restricted_since", None) is not None


def active_restriction(person) -> Restriction | None:
    return person.restrictions.filter(lifted_at__isnull=True).first()


def note_shown(person) -> None:
    """Remember, for this response, that it shows a restricted person (the banner)."""
    memo = context.memo()
    if memo is not None and is_restricted(person):
        memo.setdefault(MEMO_KEY, {})[person.pk] = person


def _check(person, object_type: str) -> bool:
    """core.policy's check: objects of the types the guard lets through (the trail, tasks,
    the retention review) are not restricted with their person."""
    restricted = is_restricted(person) and object_type not in NOT_GUARDED
    if restricted:
        note_shown(person)
    return restricted


def banner() -> list:
    """The restricted people this response shows (for the banner in base.html)."""
    memo = context.memo() or {}
    return list((memo.get(MEMO_KEY) or {}).values())


# --- who may ------------------------------------------------------------------------------------

def dpo_may_handle(user, person) -> bool:
    """The DPO of the person's jurisdiction (the system-level DPO holds no jurisdiction, hence
    no person: they read the events tied to no jurisdiction, as in the audit trail)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return any(g.jurisdiction_id == person.jurisdiction_id
               for g in profile_for(user).grants_with(Role.DATA_PROTECTION_OFFICER))


def _require_dpo(user, person) -> None:
    if not dpo_may_handle(user, person):
        raise PermissionDenied(_("Only the data protection officer of the person's "
                                 "jurisdiction can restrict or lift a restriction."))


# --- services -----------------------------------------------------------------------------------

@transaction.atomic
def restriction_set(*, actor, person: Person, reason: str, note: str = "") -> Restriction:
    """Restrict `person`'s record: read-only everywhere, reads state a purpose. Audited."""
    _require_dpo(actor, person)
    if reason not in RestrictionReason.values:
        raise ValueError(f"unknown restriction reason {reason!r}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.restricted_since is not None:
        raise PermissionDenied(_("This record is already restricted."))
    now = timezone.now()
    with bypass():
        restriction = Restriction.objects.create(
            person=person, reason=reason, note=clean_text(note).strip(), restricted_at=now,
            restricted_by=actor)
        Person.objects.filter(pk=person.pk).update(restricted_since=now)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person,
                 details={"restriction": "set", "reason": reason})
    return restriction


@transaction.atomic
def restriction_lift(*, actor, person: Person, note: str = "") -> Restriction:
    """Lift the restriction of `person`'s record: writes and plain reads work again. Audited."""
    _require_dpo(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    restriction = active_restriction(person)
    if restriction is None:
        raise PermissionDenied(_("This record is not restricted."))
    with bypass():
        restriction.lifted_at = timezone.now()
        restriction.lifted_by = actor
        restriction.lift_note = clean_text(note).strip()
        restriction.save(update_fields=["lifted_at", "lifted_by", "lift_note"])
        Person.objects.filter(pk=person.pk).update(restricted_since=None)
    audit.record(actor=actor, action=AuditAction.CHANGE, obj=person,
                 details={"restriction": "lifted", "reason": restriction.reason})
    return restriction


# --- the safety net -----------------------------------------------------------------------------

_paths: dict[type, tuple[str, ...] | None] = {}


def _path_to_person(model) -> tuple[str, ...] | None:
    """The foreign keys from `model` to Person: ("person",) for a direct key, ("plan",
    "person") for a child of a model with one, () for Person itself, None otherwise."""
    if model in _paths:
        return _paths[model]
    path = None
    if model is Person:
        path = ()
    elif model._meta.label_lower not in NOT_GUARDED:
        keys = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        direct = [f for f in keys if f.related_model is Person]
        if direct:
            path = (direct[0].name,)
        else:
            for f in keys:
                parent = f.related_model
                if parent is not model and any(
                        isinstance(g, models.ForeignKey) and g.related_model is Person
                        for g in parent._meta.concrete_fields):
                    path = (f.name, next(g.name for g in parent._meta.concrete_fields
                                         if isinstance(g, models.ForeignKey)
                                         and g.related_model is Person))
                    break
    _paths[model] = path
    return path


def _person_id(instance, path) -> int | None:
    if not path:
        return instance.pk
    if len(path) == 1:
        return getattr(instance, f"{path[0]}_id")
    parent_id = getattr(instance, f"{path[0]}_id")
    if parent_id is None:
        return None
    parent_model = instance._meta.get_field(path[0]).related_model
    return parent_model.objects.filter(pk=parent_id).values_list(
        f"{path[1]}_id", flat=True).first()


def guard_write(sender, instance, **kwargs) -> None:
    """pre_save / pre_delete: refuse saving or deleting anything of a restricted person."""
    if _bypass.get() or kwargs.get("raw"):
        return
    path = _path_to_person(sender)
    if path is None:
        return
    person_id = _person_id(instance, path)
    if person_id is None:
        return
    if len(path) == 1 and sender._meta.get_field(path[0]).is_cached(instance) and \
            getattr(instance, path[0]) is not None:
        # The person loaded with the object in this request: no query for each save.
        restricted = is_restricted(getattr(instance, path[0]))
    else:  # the stored row decides (for a Person, a stale copy cannot undo a restriction)
        restricted = Person.objects.filter(pk=person_id, restricted_since__isnull=False).exists()
    if restricted:
        raise policy.RecordRestricted()


def install() -> None:
    """Called from people/apps.py: the access check and the safety net."""
    policy.set_restriction_check(_check)
    pre_save.connect(guard_write, dispatch_uid="people.restriction.guard_save")
    pre_delete.connect(guard_write, dispatch_uid="people.restriction.guard_delete")


def guarded_models() -> list:
    """Every model whose instances the safety net guards (for the tests and the docs)."""
    return [m for m in apps.get_models() if _path_to_person(m) is not None]
