"""One policy per object type (STYLE.md, the Wagtail lesson).

A policy answers both questions from one grant computation:
  * `visible(user) -> QuerySet`: which objects the user may know exist (lists, searches,
    exports, API lists, worklists);
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

from . import audit
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
    qs = policy.visible(user) if queryset is None else queryset & policy.visible(user)
    obj = qs.filter(uuid=object_uuid).first()
    if obj is None:
        refuse(user, object_uuid, action=action, not_found=True,
               object_type=policy.object_type, message=not_found_message)
    grant = policy.grant(user, obj)
    if not grant.can(action):
        refuse(user, object_uuid, action=action, not_found=False, person=policy.person_of(obj),
               object_type=policy.object_type, message=forbidden_message)
    return obj, grant
