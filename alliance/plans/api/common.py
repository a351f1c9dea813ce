"""What the plans API's views share: helpers, tags and the rules the schema states."""


from django.utils.translation import gettext as _
from rest_framework import serializers

from alliance.core import audit

from .. import selectors

# Error answers (400, 401, 403, 404, 409, 413, 415) are documented for every operation by
# core.api.AutoSchema.
CATALOGUE, PLANS, ENGAGEMENT, MOTIVATION = ["interventions"], ["plans"], ["engagement"], \
    ["motivation"]
NOTE_RULE = ("`note` is the treatment compartment's: the key is present only for users who "
             "hold the person's treatment compartment, and absent (not empty, not null) for "
             "everyone else, who read the `shared_summary` the treatment side chose to share.")
RATIONALE_RULE = ("`rationale` is the treatment compartment's: the key is present only for "
                  "users who hold the person's treatment compartment, absent for everyone else.")


def _require_some(attrs: dict, *, besides=("version",)) -> dict:
    if not set(attrs) - set(besides):
        raise serializers.ValidationError(_("Send at least one field to change."))
    return attrs


def _user(uuid, message):
    user = selectors.active_user_by_uuid(uuid)
    if user is None:
        raise serializers.ValidationError(message)
    return user


def _intervention(uuid):
    intervention = selectors.intervention_by_uuid(uuid)
    if intervention is None:
        raise serializers.ValidationError(_("No such intervention."))
    return intervention


def _list_consulted(request, person, grant, resource: str, rows, pagination) -> None:
    audit.consulted(actor=request.user, obj=person, agency=grant.agency,
                    details={"resource": resource, "count": len(rows),
                             "page": pagination.page.number})


class StaffSerializer(serializers.Serializer):
    """A member of staff, with the public id that requests name them by."""

    uuid = serializers.UUIDField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
