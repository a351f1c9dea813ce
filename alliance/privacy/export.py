"""Everything held about one person, for the data subject's right of access (Directive 2016/680
Art. 14, with the lawful restrictions of Art. 15).

Collected generically: every model with a foreign key to people.Person, and every model with a
foreign key to one of those (a plan's goals, an assessment's ratings), is walked. HOLDINGS says
for each what it holds, in which section it appears, and which of its fields are withheld under
which ground, or why the model is not exported at all. A model that appears in neither (a module
added later) is exported in full under "Other records" — never silently left out — and the
coverage test fails until it is listed here.

Withheld parts are MARKED where they would be, with the ground (`{"withheld": ground}` in place
of a value; a whole section withheld keeps its title, its count and the ground), never dropped.
Staff members' identities (every foreign key to a user account) are withheld under
THIRD_PARTIES; the agency is given instead where the record names one.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core import purpose
from alliance.core.models import AuditAction, AuditEvent, AuditOutcome
from alliance.people.models import Person

FORMAT = "alliance-subject-access/1"


class Ground:
    """Grounds of Art. 15(1) for withholding, as codes (stored and exported in the reader's
    language, never in one)."""

    SECURITY_INTELLIGENCE = "security_intelligence"
    THIRD_PARTIES = "third_parties"
    INVESTIGATION = "investigation"
    PUBLIC_SECURITY = "public_security"
    NATIONAL_SECURITY = "national_security"
    CHOICES = [
        (SECURITY_INTELLIGENCE, _("Security intelligence: raw observations, their sources and "
                                  "analysis (Art. 15(1)(a), (c)): disclosing them would prejudice "
                                  "the prevention and detection of offences and reveal sources")),
        (THIRD_PARTIES, _("Identities of third parties and staff (Art. 15(1)(e)): to protect "
                          "the rights and freedoms of others")),
        (INVESTIGATION, _("Under investigation (Art. 15(1)(a), (b)): disclosure would obstruct "
                          "an official inquiry, investigation or procedure")),
        (PUBLIC_SECURITY, _("Public security (Art. 15(1)(c))")),
        (NATIONAL_SECURITY, _("National security (Art. 15(1)(d))")),
    ]
    CODES = {code for code, _label in CHOICES}

    @classmethod
    def label(cls, code: str) -> str:
        return str(dict(cls.CHOICES).get(code, code))


@dataclass(frozen=True)
class Holding:
    """What one model holds about the person: the section it appears in, the fields withheld
    always (field name -> ground) and, for a model not exported, why (`excluded`)."""

    section: str = ""
    withheld: dict = field(default_factory=dict)
    excluded: str = ""


SECTIONS = [
    ("identity", _("Identity")),
    ("custody", _("Custody and key dates")),
    ("case", _("Case and case team")),
    ("assessments", _("Screenings and assessments")),
    ("plans", _("Plans, interventions, sessions, refusals, motivation and working alliance")),
    ("observations", _("Security observations and what was shared from them")),
    ("release", _("Release: steps, support plan, supervision and follow-ups")),
    ("coordination", _("Referrals and case conferences")),
    ("work", _("Tasks about the person")),
    ("disclosures", _("Disclosures: who received the person's data")),
    ("restrictions", _("Restrictions of processing")),
    ("retention", _("Retention review and erasure")),
    ("other", _("Other records")),
]
SECTION_CODES = [code for code, _title in SECTIONS]
# Sections the DPO may withhold as a whole (with a stated ground) in the form.
WITHHOLDABLE = [s for s in SECTIONS
                if s[0] not in ("identity", "disclosures", "restrictions", "retention")]

SI = Ground.SECURITY_INTELLIGENCE
HOLDINGS: dict[str, Holding] = {
    "people.person": Holding("identity"),
    "people.classificationchange": Holding("identity"),
    "people.personsearchtoken": Holding(excluded=_(
        "Keyed hashes of the names and identifiers already given under Identity: they hold "
        "nothing of their own.")),
    "people.timelineevent": Holding(excluded=_(
        "The timeline repeats, as event codes, the records exported in their own sections.")),
    "people.custodyepisode": Holding("custody"),
    "people.keydateoverride": Holding("custody"),
    "people.retainedaccess": Holding("disclosures"),
    "people.disclosure": Holding("disclosures"),
    "people.restriction": Holding("restrictions"),
    "core.auditevent": Holding(excluded=_(
        "The audit trail is given as the log of consultations and disclosures (recipients, "
        "dates, purposes), not as raw events.")),
    "cases.case": Holding("case"),
    "cases.caseteammember": Holding("case"),
    "cases.managementlevelchange": Holding("case"),
    "assessments.screening": Holding("assessments"),
    # The detail may come from security material (its compartment says so): withheld, marked.
    "assessments.assessmentdue": Holding("assessments", {"detail": SI, "detail_params": SI}),
    "assessments.assessment": Holding("assessments"),
    "assessments.assessmentparticipant": Holding("assessments"),
    "assessments.itemrating": Holding("assessments"),
    "assessments.additionalfactor": Holding("assessments"),
    "plans.plan": Holding("plans"),
    "plans.goal": Holding("plans"),
    "plans.planreview": Holding("plans"),
    "plans.enrolment": Holding("plans"),
    "plans.session": Holding("plans"),
    "plans.stageofchange": Holding("plans"),
    "plans.offer": Holding("plans"),
    "plans.alliancemeasure": Holding("plans"),
    "observations.observation": Holding("observations", {
        "verbatim": SI, "context": SI, "opinion": SI, "feedback": SI, "archived_reason": SI,
        "unit": SI, "source_reliability": SI, "information_assessment": SI,
        "handling_code": SI}),
    "observations.addendum": Holding("observations", {"text": SI}),
    "observations.observationlink": Holding("observations", {"note": SI}),
    "observations.analysis": Holding("observations", {"text": SI}),
    "observations.sharedsummary": Holding("observations", {"summary": SI,
                                                            "withdrawn_reason": SI}),
    "observations.recipient": Holding("observations"),
    "release.releasestep": Holding("release"),
    "release.supportplan": Holding("release"),
    "release.pathwayentry": Holding("release"),
    "release.supervisioncondition": Holding("release"),
    "release.supervisioncontact": Holding("release"),
    "release.breach": Holding("release"),
    "release.handover": Holding("release"),
    "release.followup": Holding("release"),
    "coordination.referral": Holding("coordination"),
    "coordination.desiredresult": Holding("coordination"),
    "coordination.caseconference": Holding("coordination"),
    "coordination.attendee": Holding("coordination"),
    "coordination.shareditem": Holding("coordination"),
    "coordination.decision": Holding("coordination"),
    "coordination.conferenceaction": Holding("coordination"),
    "work.task": Holding("work"),
    "retention.reviewitem": Holding("retention"),
    "retention.erasurerecord": Holding("retention"),
    "retention.personretention": Holding("retention"),
    "work.notification": Holding(excluded=_(
        "Messages to staff that carry only the person's reference and a link to a record "
        "exported in its own section.")),
}
# Never exported as values, whatever the model: internal keys, and keyed hashes.
INTERNAL_FIELDS = {"id", "version", "digest"}


def person_models() -> dict[type, str]:
    """Every model holding data about a person -> the lookup from it to the person ("person",
    "plan__person")."""
    found: dict[type, str] = {}
    direct = {}
    for model in apps.get_models():
        if model is Person:
            continue
        keys = [f for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is Person]
        if keys:
            direct[model] = keys[0].name
    found.update(direct)
    for model in apps.get_models():
        if model is Person or model in direct:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model in direct:
                found[model] = f"{f.name}__{direct[f.related_model]}"
                break
    return found


@dataclass
class Choices:
    """What the DPO decided in the form: sections withheld as a whole, each with a ground and a
    note, and the request being answered."""

    request_reference: str = ""
    request_received: datetime.date | None = None
    withhold: dict = field(default_factory=dict)  # section code -> ground code
    note: str = ""


def _value(instance, f, records: set):
    if isinstance(f, models.ForeignKey):
        related_id = getattr(instance, f.attname)
        if related_id is None:
            return None
        related = getattr(instance, f.name)
        # Another record of the person: its id, to find it in the export; anything else (an
        # agency, a unit, an instrument): its name, which is what the data subject can read.
        if f.related_model in records and hasattr(related, "uuid"):
            return str(related.uuid)
        return str(related)
    value = getattr(instance, f.attname)
    if f.choices and value not in (None, ""):
        return str(getattr(instance, f"get_{f.name}_display")())
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _record(instance, holding: Holding, records: set) -> dict:
    fields = {}
    for f in instance._meta.concrete_fields:
        if f.name in INTERNAL_FIELDS or (isinstance(f, models.ForeignKey)
                                          and f.related_model is Person):
            continue
        ground = holding.withheld.get(f.name)
        if ground is None and isinstance(f, models.ForeignKey) and \
                f.related_model._meta.label == settings.AUTH_USER_MODEL:
            ground = Ground.THIRD_PARTIES
        if ground is not None:
            if getattr(instance, f.attname) not in (None, ""):
                fields[f.name] = {"withheld": ground}
            continue
        fields[f.name] = _value(instance, f, records)
    return {"type": instance._meta.label_lower, "label": str(instance._meta.verbose_name),
            "fields": fields}


def _consultations(person) -> list[dict]:
    """Who consulted or received the record: the agency, when, what and why (Art. 14(c)); the
    staff member's name is withheld under THIRD_PARTIES."""
    events = AuditEvent.objects.filter(
        person=person, outcome=AuditOutcome.SUCCESS,
        action__in=[AuditAction.VIEW, AuditAction.LIST, AuditAction.SEARCH, AuditAction.EXPORT,
                    AuditAction.DISCLOSE]).order_by("occurred_at", "id")
    return [{"at": e.occurred_at.isoformat(), "action": e.action, "agency": e.agency_name,
             "object_type": e.object_type, "purpose": purpose.label(e.purpose),
             "staff_member": {"withheld": Ground.THIRD_PARTIES} if e.actor_username else None}
            for e in events.iterator()]


def collect(person: Person, choices: Choices | None = None, *, at=None) -> dict:
    """The export of everything held about `person` (see the module docstring)."""
    choices = choices or Choices()
    rows: dict[str, list] = {code: [] for code in SECTION_CODES}
    found = person_models()
    records = set(found)
    rows["identity"].append(_record(person, HOLDINGS["people.person"], records))
    for model, lookup in sorted(found.items(), key=lambda m: m[0]._meta.label_lower):
        holding = HOLDINGS.get(model._meta.label_lower, Holding("other"))
        if holding.excluded:
            continue
        for instance in model.objects.filter(**{lookup: person}).order_by("pk"):
            rows[holding.section].append(_record(instance, holding, records))
    sections = []
    for code, title in SECTIONS:
        ground = choices.withhold.get(code)
        section = {"code": code, "title": str(title), "count": len(rows[code])}
        if ground:
            section["withheld"] = {"ground": ground, "note": choices.note}
            section["records"] = []
        else:
            section["records"] = rows[code]
        sections.append(section)
    consultations = _consultations(person)
    if "consultations" in choices.withhold:
        consultations_part = {"withheld": {"ground": choices.withhold["consultations"],
                                           "note": choices.note},
                              "count": len(consultations), "records": []}
    else:
        consultations_part = {"count": len(consultations), "records": consultations}
    used = {g for s in sections for r in s["records"] for g in _grounds(r)}
    used |= {s["withheld"]["ground"] for s in sections if "withheld" in s}
    if consultations:
        used.add(Ground.THIRD_PARTIES)
    return {
        "format": FORMAT,
        "produced_at": (at or timezone.now()).isoformat(),
        "request": {"reference": choices.request_reference,
                    "received_on": choices.request_received.isoformat()
                    if choices.request_received else None},
        "person": {"reference": person.reference},
        "sections": sections,
        "consultations": consultations_part,
        "grounds": {code: Ground.label(code) for code in sorted(used)},
        "excluded": {label: str(h.excluded) for label, h in sorted(HOLDINGS.items())
                     if h.excluded},
    }


def _grounds(record: dict):
    for value in record["fields"].values():
        if isinstance(value, dict) and "withheld" in value:
            yield value["withheld"]


def summary(export: dict) -> list[dict]:
    """Per section: its title, how many records, and whether it (or part of it) is withheld."""
    out = []
    for s in export["sections"]:
        partly = sorted({g for r in s["records"] for g in _grounds(r)})
        out.append({"code": s["code"], "title": s["title"], "count": s["count"],
                    "withheld": s.get("withheld"), "partly_withheld": partly})
    return out


def categories(export: dict) -> list[str]:
    """The sections given (not withheld) that hold records: the disclosure's categories."""
    return [s["code"] for s in export["sections"] if s["count"] and "withheld" not in s]
