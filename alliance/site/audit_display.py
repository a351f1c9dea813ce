"""The audit trail as a person reads it: object types by the model's name, details as a list of
labelled values, in the reader's language, date format and time zone.

Events are hash-chained and never rewritten (core/audit.py): they keep the codes and ISO values
they were written with, and everything readable is made here when the page is shown. Nothing
here changes what an event says: a key or value it does not know is shown as stored, never
hidden. The CSV export keeps the stored values, for tools.
"""

import datetime
import re
import uuid

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alliance.accounts.models import Role
from alliance.core.compartments import Compartment

# Labels of keys that are no field of the event's model (paging, filters, lists, links). A key
# that is a field of the model takes the field's own verbose_name first.
KEY_LABELS = {
    "additional_factor": _("additional factor"),
    "after": _("after"),
    "agency": _("agency"),
    "assessment": _("assessment"),
    "before": _("before"),
    "by": pgettext_lazy("audit detail: who or what did it", "by"),
    "changed": _("changed"),
    "code": _("code"),
    "compartment": _("compartment"),
    "corrects": _("corrects"),
    "count": _("count"),
    "created": _("created"),
    "date": _("date"),
    "domain": _("domain"),
    "due_on": _("due on"),
    "ends_on": _("ends on"),
    "error": _("error"),
    "export": _("export"),
    "field": _("field"),
    "fields": _("fields changed"),
    "filters": _("filters"),
    "format": _("format"),
    "from": pgettext_lazy("audit detail: the value or place before the change", "from"),
    "instrument": _("instrument"),
    "item": _("item"),
    "job": _("job"),
    "key_dates": _("key dates"),
    "kind": _("kind"),
    "languages": _("languages"),
    "level": _("level"),
    "limit": _("limit"),
    "list": _("list"),
    "next_due": _("next due"),
    "next_review_on": _("next review on"),
    "not_applicable": _("not applicable"),
    "number": _("number"),
    "object_type": _("object type"),
    "occurred_on": _("occurred on"),
    "on": _("on"),
    "outcome": _("outcome"),
    "page": _("page"),
    "person": _("person"),
    "plan": _("plan"),
    "reason": _("reason"),
    "recipient": _("recipient"),
    "references": _("people shown"),
    "removed": _("removed"),
    "resource": _("list"),
    "response": _("response"),
    "role": _("role"),
    "rows": _("rows"),
    "source": _("source"),
    "starts_on": _("starts on"),
    "status": _("status"),
    "tab": _("tab"),
    "target": _("about"),
    "title": _("title"),
    "to": pgettext_lazy("audit detail: the value or place after the change", "to"),
    "unknown": _("unknown"),
    "user": _("user"),
    "username": _("user name"),
    "version": _("version"),
    "via": _("via"),
    "worklist": _("worklist"),
}

# Values that are codes of one vocabulary whichever model the event is about.
KEY_CHOICES = {
    "role": dict(Role.choices),
    "roles": dict(Role.choices),
    "compartment": dict(Compartment.choices),
    "scopes": dict(Compartment.choices),
}

# Models whose verbose_name Django made up from the class name, which is English whatever the
# reader's language.
OBJECT_LABELS = {
    "assessments.additionalfactor": _("additional factor"),
    "assessments.assessment": _("assessment"),
    "assessments.assessmentdue": _("assessment due date"),
    "assessments.assessmentparticipant": _("assessor"),
    "assessments.instrumentversion": _("instrument version"),
    "assessments.itemrating": _("item rating"),
    "assessments.screening": _("screening"),
    "cases.caseteammember": _("case team member"),
    "cases.managementlevelchange": _("management level"),
    "coordination.attendee": _("conference attendee"),
    "coordination.conferenceaction": _("conference action"),
    "coordination.decision": _("conference decision"),
    "coordination.desiredresult": _("desired result"),
    "coordination.shareditem": _("shared item"),
    "core.auditevent": _("audit trail"),
    "core.backup": _("backup"),
    "core.encryption": _("encryption keys"),
    "core.encryptioncanary": _("encryption keys"),
    "demo.monitoring": _("demo data"),
    "knowledge.attachmentdata": _("attachment"),
    "knowledge.entrytheme": _("theme of an entry"),
    "knowledge.meetingparticipation": _("meeting participation"),
    "knowledge.trainingattendance": _("training attendance"),
    "monitoring.statistics": _("statistics"),
    "observations.observationlink": _("link between observations"),
    "observations.recipient": _("recipient of a summary"),
    "organisations.agreementparty": _("party to an agreement"),
    "people.classificationchange": _("classification"),
    "people.keydateoverride": _("key date override"),
    "people.personsearchtoken": _("search index"),
    "people.retainedaccess": _("retained access"),
    "people.timelineevent": _("timeline event"),
    "plans.alliancemeasure": _("working-alliance measure"),
    "plans.enrolment": _("enrolment"),
    "plans.goal": _("goal"),
    "plans.offer": _("offer"),
    "plans.planreview": _("plan review"),
    "plans.session": _("session"),
    "plans.stageofchange": _("stage of change"),
    "plans.step": _("step"),
    "retention.personretention": _("retention of a person's record"),
    "work.dailyrun": _("daily job"),
    "work.notification": _("notification"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_ONLY_UUID = re.compile(rf"^{_UUID}$", re.I)
_TYPED_UUID = re.compile(rf"^(?P<type>[a-z_]+\.[a-z_]+):(?P<uuid>{_UUID})$", re.I)
_CODE = re.compile(r"^[a-z0-9_.:-]+$")
YES_NO = {True: _("yes"), False: _("no")}
LIST_SHOWN = 10


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_label(object_type: str) -> str:
    """The reader's words for an object type (people.person: "Person", "Osoba"); the code
    itself for a type that no model or label names any more."""
    if not object_type:
        return ""
    if object_type in OBJECT_LABELS:
        return str(capfirst(OBJECT_LABELS[object_type]))
    model = _model(object_type)
    if model is None or "verbose_name" not in model._meta.original_attrs:
        return object_type
    return str(capfirst(model._meta.verbose_name))


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _field_label(model, key: str) -> str | None:
    # Only a verbose_name given as a translation: Django's default is the English field name.
    verbose_name = getattr(_field(model, key), "verbose_name", None)
    return str(capfirst(verbose_name)) if isinstance(verbose_name, Promise) else None


def _label(model, key: str) -> str:
    if label := _field_label(model, key):
        return label
    if key in KEY_LABELS:
        return str(capfirst(KEY_LABELS[key]))
    return key.replace("_", " ")


def _shorten(value: str) -> str:
    # The first block tells objects apart on a screen; the whole one is in the title (hover)
    # and in the CSV export.
    return str(uuid.UUID(value))[:8] + "…"


def _text(value, choices: dict) -> str:
    """One scalar as words; lists and dicts are joined from these."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(YES_NO[value])
    if isinstance(value, int | float):
        return str(formats.localize(value))
    if isinstance(value, list):
        # A list of a hundred people's references would fill the screen: the first ones and a
        # count here, every one in the CSV export.
        shown = ", ".join(_text(v, choices) for v in value[:LIST_SHOWN]) or "—"
        return shown + (f" … (+{len(value) - LIST_SHOWN})" if len(value) > LIST_SHOWN else "")
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_text(v, {})}" for k, v in value.items()) or "—"
    text = str(value)
    if text in choices:
        return str(choices[text])
    if _ISO_DATE.match(text):
        try:
            return formats.date_format(datetime.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if _ONLY_UUID.match(text):
        return _shorten(text)
    if match := _TYPED_UUID.match(text):
        return f"{object_label(match['type'])} {_shorten(match['uuid'])}"
    return text


def _choices(model, key: str) -> dict:
    field = _field(model, key)
    if field is not None and field.choices:
        return {str(k): v for k, v in field.flatchoices}
    return KEY_CHOICES.get(key, {})


def detail_row(model, key: str, value) -> dict:
    """{"label", "text", "title", "code"}: `title` is the stored value when the text differs
    from it (a date, a UUID); `code` marks an identifier left as stored."""
    if key == "fields" and isinstance(value, list) and model is not None:
        # The names of the fields a change touched: the model's own words for them.
        text = ", ".join(_field_label(model, str(f)) or str(f).replace("_", " ") for f in value)
    else:
        text = _text(value, _choices(model, key))
    stored = value if isinstance(value, str) else ""
    return {
        "label": _label(model, key),
        "text": text,
        "title": stored if stored and stored != text else "",
        "code": bool(stored) and stored == text and bool(_CODE.match(stored)),
    }


def detail_rows(event) -> list[dict]:
    """The event's details, key by key, in the reader's language."""
    details = event.details
    if not details:
        return []
    if not isinstance(details, dict):
        return [{"label": "", "text": str(details), "title": "", "code": False}]
    model = _model(event.object_type)
    return [detail_row(model, key, value) for key, value in details.items()]


def event_rows(events) -> list[dict]:
    """What the audit page shows of each event: the event, its object type in words, and its
    details as labelled values."""
    return [
        {"event": e, "object": object_label(e.object_type) or "—", "details": detail_rows(e)}
        for e in events
    ]
