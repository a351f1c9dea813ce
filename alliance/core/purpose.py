"""The stated purpose of a read of a restricted record (Directive 2016/680 Art. 16(3): a
restricted record is processed only for the purpose that prevented its erasure, so each read says
why).

`core.policy.get_for_user` asks for it when it loads any single object of a person whose record
is restricted (people/restriction.py installs the check). The purpose is, in order: the one the
request states (the `purpose` parameter, or the `X-Alliance-Purpose` header of an integration),
or the one the user gave for that person earlier in the shift (kept in the session for
PURPOSE_LASTS). With none, a page answers with the chooser (the middleware renders it from
PurposeRequired) and the API answers 400 `purpose_required`. The purpose then goes into every
audit event of the request.

The security material's own chooser (observations/purpose.py) works the same way for the
security compartment; this one covers every object of a restricted person.
"""

import dataclasses
import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from . import audit, context
from .text import clean_text

PURPOSE_LASTS = datetime.timedelta(hours=8)
SESSION_KEY = "restricted_record_purposes"
MEMO_KEY = "restricted_record_purposes"
MAX_LENGTH = 200

CHOICES = [
    ("legal_claim", _("Establishing, exercising or defending a legal claim")),
    ("evidence", _("Evidence in proceedings")),
    ("data_subject_request", _("Answering the data subject's request")),
    ("protection_of_others", _("Protecting the rights of another person")),
    ("safety", _("An immediate risk to safety")),
    ("other", _("Other (say which)")),
]
CODES = {code for code, _label in CHOICES}
# A subject access answered by the DPO (privacy/services.py): "subject_access: <reference>".
SUBJECT_ACCESS = "subject_access: "

# The labels of every purpose code, this module's and those other choosers install at start-up
# (observations/apps.py): the audit trail and the disclosures show them in the reader's language.
_labels: dict[str, str] = {code: label for code, label in CHOICES if code != "other"}


def register_labels(choices) -> None:
    _labels.update({code: label for code, label in choices if code != "other"})


def subject_access(reference: str) -> str:
    return f"{SUBJECT_ACCESS}{reference}"


def label(stored: str) -> str:
    """A stored purpose in the reader's language: a code's label, the words given with "other",
    the subject access request answered, or the words as stored (those a link or an
    integration states)."""
    stored = stored or ""
    if stored.startswith("other: "):
        return stored.removeprefix("other: ")
    if stored.startswith(SUBJECT_ACCESS):
        return str(_("Answering the subject access request %(reference)s")
                   % {"reference": stored.removeprefix(SUBJECT_ACCESS)})
    return str(_labels.get(stored, stored))


class PurposeRequired(APIException):
    """A read of a restricted person's record that states no purpose. Pages show the chooser
    (core/middleware.py); the API answers 400 `purpose_required`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("This record is restricted: say why you open it (the `purpose` "
                       "parameter or the X-Alliance-Purpose header).")
    default_code = "purpose_required"

    def __init__(self, person):
        super().__init__()
        self.person = person


def normalise(code: str, other: str = "") -> str:
    """A stated purpose as stored: a code of CHOICES, "other: <words>", or the words a link or
    an integration states; "" when "other" comes without words."""
    code, other = clean_text(code or "").strip(), clean_text(other or "").strip()[:MAX_LENGTH]
    if code == "other":
        return f"other: {other}" if other else ""
    return code[:MAX_LENGTH]


WRITING_KEY = context.WRITING_KEY


def memo_for(request) -> dict:
    """What the request's memo starts with (core/middleware.py): the purposes the user gave
    this shift, and whether the request may write (any method but GET, HEAD, OPTIONS): a
    restricted record refuses such a request whatever it loads the record for."""
    return {MEMO_KEY: session_purposes(request),
            WRITING_KEY: request.method not in ("GET", "HEAD", "OPTIONS")}


def writing() -> bool:
    return bool((context.memo() or {}).get(WRITING_KEY))


def session_purposes(request) -> dict[str, str]:
    """person uuid -> the purpose the user gave for that person within PURPOSE_LASTS."""
    session = getattr(request, "session", None)
    if session is None or not getattr(request, "user", None) or \
            not request.user.is_authenticated:
        return {}
    now = timezone.now()
    fresh = {}
    for person_uuid, entry in session.get(SESSION_KEY, {}).items():
        try:
            at = datetime.datetime.fromisoformat(entry["at"])
        except (KeyError, TypeError, ValueError):
            continue
        if now - at < PURPOSE_LASTS and entry.get("purpose"):
            fresh[person_uuid] = entry["purpose"]
    return fresh


def remember(request, person_uuid, purpose: str) -> None:
    entries = {k: v for k, v in request.session.get(SESSION_KEY, {}).items()
               if isinstance(v, dict)}
    entries[str(person_uuid)] = {"purpose": purpose, "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = dict(list(entries.items())[-200:])


def stated_for(person) -> str:
    """The purpose of this read of `person`'s restricted record, made the audit's purpose; ""
    when none is stated."""
    purpose = context.current().purpose
    if not purpose:
        memo = context.memo() or {}
        purpose = (memo.get(MEMO_KEY) or {}).get(str(person.uuid), "")
        if purpose:
            context.activate(dataclasses.replace(context.current(), purpose=purpose[:300]))
    return purpose


def chooser(request, exc: PurposeRequired):
    """The page that asks why a restricted record is opened, in place of the record."""
    person = exc.person
    # The record is not shown: what the getters noted is replaced by what the chooser shows.
    audit.forget_consultations()
    audit.consulted(actor=request.user, obj=person, details={"purpose_asked": True})
    return render(request, "privacy/purpose_required.html", {
        "person": person, "choices": CHOICES, "next": request.get_full_path()})
