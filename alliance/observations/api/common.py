"""What the dynamic-security API's views share: the stated purpose of a read of raw material,
tags and the rules the schema states."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException

from .. import purpose

# Error answers (400, 401, 403, 404, 409, 413, 415) are documented for every operation by
# core.api.AutoSchema; the missing purpose is one of its 400s.
SECURITY = ["security"]
# A write answers with what its author sent, read back: the purpose of that read is theirs.

PURPOSE_RULE = (
    "Every read of raw security material states why, for the audit trail: send the "
    "`X-Alliance-Purpose` header or this parameter, with one of "
    + ", ".join(f"`{code}`" for code, _label in purpose.Purpose.CHOICES if code != "other")
    + ", or the purpose in words (at most 200 characters). Without one the answer is 400 with "
      "the code `purpose_required`.")
PURPOSE_PARAMETERS = [
    OpenApiParameter("purpose", OpenApiTypes.STR, OpenApiParameter.QUERY,
                     description=PURPOSE_RULE),
    OpenApiParameter("X-Alliance-Purpose", OpenApiTypes.STR, OpenApiParameter.HEADER,
                     description="The purpose of the read, as the `purpose` parameter."),
]
SECURITY_ONLY_RULE = (
    "The keys marked \"security side only\" are present for holders of the person's security "
    "compartment and absent (not empty, not null) for an observer who does not hold it and "
    "reads back their own entry.")


class PurposeRequired(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "purpose_required"


def require_purpose(request) -> str:
    """The purpose the request states, made the audit's purpose; 400 when it states none."""
    stated = purpose.for_api(request)
    if not stated:
        raise PurposeRequired(_(
            "Say why you are reading this security material: send the X-Alliance-Purpose "
            "header or the purpose parameter, with one of %(codes)s, or your purpose in words.")
            % {"codes": ", ".join(code for code, _label in purpose.Purpose.CHOICES
                                  if code != "other")})
    return stated

