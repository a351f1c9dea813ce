"""The purpose of a read of security material (issue 10: every read is logged with its purpose).

On the pages, the first time in a shift that a user opens a person's security material they say
why, in one click (the chooser below); the choice is remembered for that person for
PURPOSE_LASTS and goes into every audit event of those reads. A link may carry it already
(`?purpose=review` from the review queue). The API takes it from the `X-Alliance-Purpose` header
or the `purpose` parameter, and refuses a read of raw material without one (400).
"""

import dataclasses
import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.core import audit, context
from alliance.core.text import clean_text

PURPOSE_LASTS = datetime.timedelta(hours=8)
SESSION_KEY = "security_purposes"
MAX_LENGTH = 200


class Purpose:
    REVIEW = "review"
    OWN_REPORT = "own_report"
    CHOICES = [
        (REVIEW, gettext_lazy("Reviewing and analysing observations")),
        ("assessment", gettext_lazy("Risk and needs assessment or screening")),
        ("incident", gettext_lazy("Responding to an incident")),
        ("case_conference", gettext_lazy("Preparing a case conference or a sharing decision")),
        (OWN_REPORT, gettext_lazy("Following up my own report")),
        ("other", gettext_lazy("Other (say which)")),
    ]
    CODES = {code for code, _label in CHOICES}


def stated() -> str:
    return context.current().purpose


def _activate(purpose: str) -> None:
    context.activate(dataclasses.replace(context.current(), purpose=purpose[:300]))


def _normalise(code: str, other: str = "") -> str:
    code, other = clean_text(code).strip(), clean_text(other).strip()[:MAX_LENGTH]
    if code == "other":
        return f"other: {other}" if other else ""
    if code in Purpose.CODES:
        return code
    return clean_text(code)[:MAX_LENGTH]  # a purpose a link or an integration states in words


def remembered(request, person) -> str:
    entry = request.session.get(SESSION_KEY, {}).get(str(person.uuid))
    if not entry:
        return ""
    try:
        at = datetime.datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return ""
    return entry.get("purpose", "") if timezone.now() - at < PURPOSE_LASTS else ""


def remember(request, person, purpose: str) -> None:
    purposes = {k: v for k, v in request.session.get(SESSION_KEY, {}).items()
                if isinstance(v, dict)}
    purposes[str(person.uuid)] = {"purpose": purpose, "at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = dict(list(purposes.items())[-200:])


def for_page(request, person):
    """The purpose of this read of `person`'s security material, made the audit's purpose; or,
    when none is stated or remembered, the page that asks for it (to return as the response)."""
    given = request.GET.get("purpose", "")
    purpose = _normalise(given, request.GET.get("purpose_other", "")) if given else ""
    if purpose:
        remember(request, person, purpose)
    else:
        purpose = remembered(request, person)
    if purpose:
        _activate(purpose)
        return None
    # The record is not shown yet: what the getters noted is replaced by what the chooser shows
    # (the person's reference).
    audit.forget_consultations()
    audit.consulted(actor=request.user, obj=person, details={"purpose_asked": True})
    error = (_("Say which other purpose.") if given == "other" else "")
    return render(request, "observations/purpose.html", {
        "person": person, "choices": Purpose.CHOICES, "error": error,
        "keep": [(k, v) for k, v in request.GET.items()
                 if k not in ("purpose", "purpose_other")]})


def fixed(purpose: str) -> None:
    """A page whose purpose is what it is for (the review queue: review; an observer's own
    entries: own_report), unless the request states another."""
    if not stated():
        _activate(purpose)


def for_list(purpose: str = Purpose.REVIEW) -> None:
    """Pages across people (the review queue, the dashboard) read for one purpose: theirs."""
    fixed(purpose)


def for_api(request) -> str:
    """The purpose an API read states (header or parameter), or "" when it states none."""
    purpose = _normalise(request.headers.get("X-Alliance-Purpose", "")
                         or request.GET.get("purpose", ""))
    if purpose:
        _activate(purpose)
    return purpose
