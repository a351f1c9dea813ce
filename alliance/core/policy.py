"""One policy per object type (STYLE.md, the Wagtail lesson).

A policy answers both questions from one grant computation:
  * `visible(user) -> QuerySet`: which objects the user may know exist (lists, searches,
    exports, API lists, worklists); a policy may also answer it for one object in memory
    (`visible_object(user, uuid, queryset) -> obj | None`), with the same answer;
  * `grant(user, obj) -> Grant`: what the user holds for one of them (compartments, actions).
`get_for_user(policy, user, uuid, action)` is the one way to load a single object: the same
404 for "does not exist" and "not yours", 403 for "yours, but not that action", each refusal
in the audit trail. Views and API views receive the object and its grant together; nothing is
hung on model instances.
"""

from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from . import audit, purpose
from .models import AuditAction, AuditOutcome


@dataclass(frozen=True)
class Grant:
    """What one user holds for one object: compartments and actions, and the agency through
    which access is granted (recorded in the audit trail)."""

    compartments: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    agency: Any = field(default=None, compare=False)

    def can(self, action: str) -> bool:
        return action in self.actions

    def holds(self, compartment: str) -> bool:
        return compartment in self.compartments

    def __contains__(self, compartment: str) -> bool:
        return compartment in self.compartments

    @property
    def sees_identity(self) -> bool:
        return "identity" in self.compartments


NO_GRANT = Grant()


class RecordRestricted(PermissionDenied):
    """A write to a person's record while the data protection officer restricts it: 403, with
    the code `record_restricted` in the API (core/api.py passes the args on)."""

    code = "record_restricted"

    def __init__(self, message=None):
        self.message = message or _(
            "This record is restricted by the data protection officer: it is read-only. "
            "Nothing can be added, changed or removed until the restriction is lifted.")
        super().__init__(self.message, self.code)

    def __str__(self):
        return str(self.message)


def is_read(action: str) -> bool:
    """Whether an action only reads ("view", "view_note", "see_people"): the actions a
    restricted record still allows."""
    return action == "view" or action.startswith(("view_", "see_"))


# Whether a person's record is restricted is the people app's knowledge (people/restriction.py);
# it installs the check at start-up, as the accounts app installs the audit's agency resolver.
_restriction_of = None


def set_restriction_check(check) -> None:
    """Install `check(person, object_type) -> bool`: whether the person's record is
    restricted for objects of that type."""
    global _restriction_of
    _restriction_of = check


def _has_person_key(model) -> bool:
    return any(f.name == "person" and f.many_to_one for f in model._meta.concrete_fields)


def restricted(person, object_type: str = "people.person") -> bool:
    return (person is not None and _restriction_of is not None
            and bool(_restriction_of(person, object_type)))


class Policy(Protocol):
    object_type: str  # "app_label.model", as in the audit trail

    def visible(self, user) -> QuerySet: ...

    def grant(self, user, obj) -> Grant: ...

    def person_of(self, obj): ...


def refuse(user, object_uuid, *, action: str, not_found: bool, person=None,
           object_type: str, message: str = "") -> NoReturn:
    """Log a refused access (who tried what on which object) and raise 404 or 403.

    When the object exists but is not visible, its person is named in the audit row (never in
    the answer, which is the same 404 either way), so that the DPO of that person's jurisdiction
    sees who tried to reach the record, whatever the agency of the one who tried."""
    if not_found and person is None:
        person = _person_behind(object_type, object_uuid)
    audit.record(
        actor=user, action=AuditAction.VIEW if action == "view" else AuditAction.CHANGE,
        object_type=object_type, object_uuid=str(object_uuid), person=person,
        outcome=AuditOutcome.DENIED, details={"requested": action},
    )
    exc = (Http404(message or _("No such record, or not one you may see.")) if not_found else
           PermissionDenied(message or _("You may see this record but not do that.")))
    exc.audited = True  # the middleware logs refusals that nobody logged before raising
    raise exc


def _person_behind(object_type: str, object_uuid):
    from django.apps import apps
    from django.core.exceptions import ValidationError

    try:
        model = apps.get_model(object_type)
        obj = model.objects.filter(uuid=object_uuid).first()
    except (LookupError, ValidationError, ValueError):
        return None
    if obj is None:
        return None
    return obj if model._meta.label_lower == "people.person" else getattr(obj, "person", None)


def get_for_user(policy: Policy, user, object_uuid, action: str = "view", *,
                 queryset: QuerySet | None = None, not_found_message: str = "",
                 forbidden_message: str = "") -> tuple[Any, Grant]:
    """The object and the user's grant for it, if visible (else 404) and the action allowed
    (else 403). `queryset` narrows or prefetches; it is always intersected with `visible`."""
    found = getattr(policy, "visible_object", None)
    if found is not None:  # the policy decides visibility of one object in memory
        obj = found(user, object_uuid, queryset)
    else:
        qs = policy.visible(user) if queryset is None else queryset & policy.visible(user)
        if _restriction_of is not None and _has_person_key(qs.model):
            qs = qs.select_related("person")  # the restriction check reads it: no 2nd query
        obj = qs.filter(uuid=object_uuid).first()
    if obj is None:
        refuse(user, object_uuid, action=action, not_found=True,
               object_type=policy.object_type, message=not_found_message)
    grant = policy.grant(user, obj)
    if not grant.can(action):
        refuse(user, object_uuid, action=action, not_found=False, person=policy.person_of(obj),
               object_type=policy.object_type, message=forbidden_message)
    person = policy.person_of(obj)
    if restricted(person, policy.object_type):
        grant = _restricted_grant(user, obj, grant, action, person=person,
                                  object_type=policy.object_type)
    return obj, grant


def _restricted_grant(user, obj, grant: Grant, action: str, *, person, object_type) -> Grant:
    """A restricted record (people/restriction.py) is read-only and each read states a purpose:
    a write is refused (403 `record_restricted`) — a write action, or any request that may
    write (a POST that loads the record to add to it) — a read without a purpose asks for one,
    and the grant returned keeps only the read actions (so that no page offers a write)."""
    if not is_read(action) or purpose.writing():
        audit.record(actor=user, action=AuditAction.CHANGE, object_type=object_type,
                     object_uuid=str(getattr(obj, "uuid", obj.pk)), person=person,
                     outcome=AuditOutcome.DENIED,
                     details={"requested": action, "reason": "record_restricted"})
        exc = RecordRestricted()
        exc.audited = True
        raise exc
    if not purpose.stated_for(person):
        raise purpose.PurposeRequired(person)
    return Grant(compartments=grant.compartments,
                 actions=frozenset(a for a in grant.actions if is_read(a)), agency=grant.agency)
