"""What the release API's views share: the agency a request names, the audit of a list, and the
tags and rules the schema states."""

import uuid

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.organisations.selectors import active_agencies

# Error answers (400, 401, 403, 404, 409, 413, 415) are documented for every operation by
# core.api.AutoSchema.
RELEASE = ["release"]
IN_LANGUAGE = "In the request's language."
TEAM_SHARE_RULE = (
    "Release records are the case team's share: whoever holds the person's case-team "
    "compartment reads them (the responsible agency, the case team, and for a while after the "
    "handover the prison that was responsible, read-only). They are changed by the record "
    "keepers and treatment staff of the responsible agency and by the case team's members "
    "from probation or a ministry division.")
ACTIONS_HELP = ("What you may do: view; work (complete steps, write the support plan, record "
                "follow-ups, send or withdraw a handover: the receiving agency neither sends "
                "nor withdraws one); acknowledge (a handover sent to your agency).")


@extend_schema_field(OpenApiTypes.UUID)
class AgencyField(serializers.SlugRelatedField):
    """An agency named by its uuid: any active agency resolves here, and the service says
    whether it may be used (on the case team, of the right type)."""

    default_error_messages = {"does_not_exist": gettext_lazy("No such agency."),
                              "invalid": gettext_lazy("Give the agency's id (a uuid).")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="uuid", **kwargs)

    def get_queryset(self):
        return active_agencies()

    def to_internal_value(self, data):
        try:
            uuid.UUID(str(data))
        except ValueError:  # not a uuid at all: no query
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class StatusField(serializers.ChoiceField):
    """A choice of status, documented as a string whose values the help text names (core.api's
    `one_of`): an enum named after the field ("status") would collide with other modules' and
    rename theirs."""


def require_some(attrs: dict, *, besides=("version",)) -> dict:
    if not set(attrs) - set(besides):
        raise serializers.ValidationError(_("Send at least one field to change."))
    return attrs


def listed(request, rows, resource: str, *, person=None, grant=None, page=None) -> None:
    """Note that this response lists `rows` (for the response's one audit event): a person's
    records (`person`), or rows of many people."""
    details = {"resource": resource, "count": len(rows)}
    if page is not None:
        details["page"] = page
    if person is not None:
        audit.consulted(actor=request.user, action=AuditAction.LIST, obj=person,
                        agency=grant.agency if grant else None, details=details)
    else:
        audit.consulted(actor=request.user, action=AuditAction.LIST,
                        persons=list({r.person_id: r.person for r in rows}.values()),
                        details=details)
