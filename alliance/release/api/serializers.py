"""What the release API answers: steps and readiness, the support plan, follow-ups and
handovers. People appear by reference and uuid only, never by name; staff by their display
name."""

import dataclasses

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.core.api import one_of

from ..models import (
    ActionStatus,
    BreachResponse,
    ConditionKind,
    ContactKind,
    Engagement,
    FollowUpStatus,
    HandoverStatus,
    Housing,
    Pathway,
    PathwayStatus,
    Reengagement,
    StepStatus,
    Work,
    YesNoUnknown,
)
from .common import ACTIONS_HELP, IN_LANGUAGE


class AgencyRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The agency's id (send it to name the agency).")
    name = serializers.CharField(help_text="The agency's name.")


def _staff(help_text: str, **kwargs):
    """A member of staff by their display name (their full name, else their user name)."""
    return serializers.CharField(allow_null=True, help_text=help_text, **kwargs)


def _actions(grant) -> list[str]:
    return sorted(grant.actions)


# --- steps ---------------------------------------------------------------------------------------

class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The item's code (send the codes ticked when "
                                           "completing the step).")
    label = serializers.CharField(help_text=IN_LANGUAGE)
    done = serializers.BooleanField(help_text="Ticked when the step was done.")


class ReleaseStepSerializer(serializers.Serializer):
    """A step of the pre-release programme (needs `today` in the context)."""

    uuid = serializers.UUIDField(help_text="The step's id.")
    code = serializers.CharField(source="template.code",
                                 help_text="The programme step's code, e.g. reassessment.")
    name = serializers.CharField(source="template.display_name", help_text=IN_LANGUAGE)
    lead_months = serializers.IntegerField(source="template.lead_months",
                                           help_text="Due this many months before release…")
    lead_days = serializers.IntegerField(source="template.lead_days",
                                         help_text="…and this many days more.")
    lead_label = serializers.CharField(source="template.lead_label",
                                       help_text="The lead time in words. " + IN_LANGUAGE)
    due_on = serializers.DateField(help_text="Follows the expected release while to do.")
    agency = AgencyRefSerializer(help_text="The agency responsible for the step.")
    status = serializers.CharField(help_text=one_of(StepStatus))
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    overdue = serializers.SerializerMethodField(help_text=(
        "To do and past its due date, while the person is in custody (after the release the "
        "programme is over)."))
    blocks_readiness = serializers.BooleanField(
        source="template.blocks_readiness",
        help_text="The person is not ready for release until it is done or not applicable.")
    evidence_required = serializers.BooleanField(
        source="template.evidence_required",
        help_text="Completing it needs `evidence`: what was done and where the record is.")
    checklist = serializers.SerializerMethodField(
        help_text="Items to tick before the step is done (every one).")
    completed_on = serializers.DateField(allow_null=True,
                                         help_text="Done (or found not applicable) on.")
    completed_by = _staff("Who marked it done or not applicable.")
    version = serializers.IntegerField(help_text="Send it back to change the step; 409 if "
                                                 "stale.")

    def get_overdue(self, step) -> bool:
        return step.episode.is_current and step.is_overdue(self.context["today"])

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, step):
        done = set(step.checklist_done or ())
        return [{**item, "done": item["code"] in done}
                for item in step.template.checklist_items()]


class ReleaseStepDetailSerializer(ReleaseStepSerializer):
    evidence = serializers.CharField(
        source="evidence_text", allow_blank=True,
        help_text="The evidence it was done with (in the reader's language when a case "
                  "conference completed the step); for a step not applicable, the reason.")
    actions = serializers.SerializerMethodField(help_text=ACTIONS_HELP)

    def get_actions(self, step) -> list[str]:
        return _actions(self.context["grant"])


class ReadinessSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Steps of the programme for this custody.")
    done = serializers.IntegerField(help_text="Done or not applicable.")
    outstanding = serializers.IntegerField(help_text="Still to do.")
    overdue = serializers.IntegerField(help_text="To do and past their due date.")
    blocking = serializers.IntegerField(help_text="To do, and blocking release readiness.")
    ready = serializers.BooleanField(help_text="Every step that blocks readiness is done or not "
                                               "applicable (false before any step exists).")


class EpisodeSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The custody episode's id.")
    facility = AgencyRefSerializer(help_text="The prison.")
    is_current = serializers.BooleanField(help_text="The person is in custody.")
    expected_release = serializers.DateField(allow_null=True,
                                             help_text="The steps' due dates follow it.")
    released_on = serializers.DateField(source="ended_on", allow_null=True,
                                        help_text="null while in custody.")


class PersonReleaseStepsSerializer(serializers.Serializer):
    person = serializers.UUIDField(source="person.uuid", help_text="The person's id.")
    person_reference = serializers.CharField(source="person.reference",
                                             help_text="The person's reference.")
    episode = EpisodeSerializer(allow_null=True, help_text=(
        "The custody the programme prepares the release from: the current one, else the "
        "latest; null if the person has none."))
    readiness = ReadinessSerializer(help_text="How far the programme is.")
    steps = ReleaseStepSerializer(many=True, help_text="Soonest due first.")
    actions = serializers.ListField(child=serializers.CharField(), help_text=ACTIONS_HELP)


# --- the support plan ----------------------------------------------------------------------------

class SupportActionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The action's id.")
    description = serializers.CharField(help_text="What will be done.")
    agency = AgencyRefSerializer(help_text="The agency that does it.")
    due_on = serializers.DateField(allow_null=True, help_text="By when, if set.")
    status = serializers.CharField(help_text=one_of(ActionStatus))
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    version = serializers.IntegerField(help_text="The action's version.")


class PathwaySerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The pathway entry's id.")
    pathway = serializers.CharField(help_text=one_of(Pathway))
    label = serializers.CharField(source="get_pathway_display", help_text=IN_LANGUAGE)
    needs = serializers.CharField(allow_blank=True, help_text="The needs found.")
    status = serializers.CharField(help_text=one_of(PathwayStatus))
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    version = serializers.IntegerField(help_text="The entry's version.")
    actions = SupportActionSerializer(many=True, source="actions.all",
                                      help_text="Its actions, in the order they were added.")


class ConditionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The condition's id.")
    kind = serializers.CharField(help_text=one_of(ConditionKind))
    label = serializers.CharField(source="get_kind_display", help_text=IN_LANGUAGE)
    detail = serializers.CharField(help_text="The condition as the order states it.")
    starts_on = serializers.DateField(help_text="In force from.")
    ends_on = serializers.DateField(allow_null=True, help_text="Until (inclusive); null: no "
                                                               "end set.")
    version = serializers.IntegerField(help_text="The condition's version.")


class ContactSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The contact's id.")
    contact_on = serializers.DateField(help_text="The date of the contact.")
    kind = serializers.CharField(help_text=one_of(ContactKind))
    kind_label = serializers.CharField(source="get_kind_display", help_text=IN_LANGUAGE)
    kept = serializers.BooleanField(help_text="The person attended.")
    notes = serializers.CharField(allow_blank=True, help_text="Notes of the contact.")
    agency = AgencyRefSerializer(help_text="The agency that had the contact.")
    recorded_by = _staff("Who recorded it.")


class BreachSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The breach's id.")
    occurred_on = serializers.DateField(help_text="The date of the breach.")
    condition = serializers.UUIDField(source="condition.uuid", allow_null=True, default=None,
                                      help_text="The condition breached, if one was named.")
    description = serializers.CharField(help_text="What happened.")
    response = serializers.CharField(help_text=one_of(BreachResponse))
    response_label = serializers.CharField(source="get_response_display",
                                           help_text=IN_LANGUAGE)
    response_on = serializers.DateField(help_text="The date of the response.")
    recorded_by = _staff("Who recorded it.")


@dataclasses.dataclass(frozen=True)
class SupportPlanView:
    """A support plan with what the API shows beside it; nothing is hung on the model."""

    plan: object
    pathways: tuple = ()
    conditions: tuple = ()
    contacts: tuple = ()
    contacts_total: int = 0
    breaches: tuple = ()

    def __getattr__(self, name):
        return getattr(self.plan, name)


class SupportPlanSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The support plan's id.")
    person = serializers.UUIDField(source="person.uuid", help_text="The person's id.")
    person_reference = serializers.CharField(source="person.reference",
                                             help_text="The person's reference.")
    episode = serializers.UUIDField(source="episode.uuid",
                                    help_text="The custody episode whose release it prepares.")
    version = serializers.IntegerField(help_text="Send it back to change the plan; 409 if "
                                                 "stale. A change anywhere in the plan moves "
                                                 "it on.")
    municipality = AgencyRefSerializer(allow_null=True, help_text="The receiving "
                                                                  "municipality, if named.")
    municipality_involvement = serializers.CharField(allow_blank=True,
                                                     help_text="How the municipality is "
                                                               "involved.")
    family_involvement = serializers.CharField(allow_blank=True,
                                               help_text="The family's involvement.")
    supervising_agency = AgencyRefSerializer(allow_null=True,
                                             help_text="The probation service that supervises.")
    supervision_ends_on = serializers.DateField(allow_null=True,
                                                help_text="Supervision ends on, if known.")
    created_at = serializers.DateTimeField(help_text="When the plan was started.")
    updated_at = serializers.DateTimeField(help_text="Its last change.")
    updated_by = _staff("Who changed it last.")
    pathways = PathwaySerializer(many=True, help_text="Every pathway, with needs and actions.")
    conditions = ConditionSerializer(many=True, help_text="Supervision conditions, by start.")
    contacts = ContactSerializer(many=True, help_text="The contacts log: the 50 latest, newest "
                                                      "first.")
    contacts_total = serializers.IntegerField(help_text="Entries in the whole contacts log.")
    breaches = BreachSerializer(many=True, help_text="Breaches and recalls, newest first.")


class PersonSupportPlanSerializer(serializers.Serializer):
    support_plan = SupportPlanSerializer(allow_null=True, help_text=(
        "The support plan of the current (else latest) custody; null: none started yet."))
    actions = serializers.ListField(child=serializers.CharField(), help_text=ACTIONS_HELP)


# --- follow-ups ----------------------------------------------------------------------------------

class FollowUpSerializer(serializers.Serializer):
    """A follow-up contact after release (needs `today` in the context)."""

    uuid = serializers.UUIDField(help_text="The follow-up's id.")
    person = serializers.UUIDField(source="person.uuid", help_text="The person's id.")
    person_reference = serializers.CharField(source="person.reference",
                                             help_text="The person's reference.")
    released_on = serializers.DateField(source="episode.ended_on", allow_null=True,
                                        help_text="The release it follows.")
    offset = serializers.CharField(help_text="After the release: a number and d (days), w "
                                             "(weeks) or m (months), e.g. 3m.")
    offset_label = serializers.CharField(help_text="The offset in words. " + IN_LANGUAGE)
    due_on = serializers.DateField(help_text="When it is due.")
    agency = AgencyRefSerializer(help_text="The agency that follows the person up.")
    status = serializers.CharField(help_text=one_of(FollowUpStatus))
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    overdue = serializers.SerializerMethodField(help_text="Scheduled and past its due date.")
    held_on = serializers.DateField(allow_null=True, help_text="The date of the contact.")
    contact_kind = serializers.CharField(allow_blank=True, help_text=one_of(ContactKind)
                                         + " \"\" until recorded.")
    engagement = serializers.CharField(allow_blank=True, help_text=one_of(Engagement)
                                       + " \"\" until recorded.")
    housing = serializers.CharField(allow_blank=True, help_text=one_of(Housing)
                                    + " \"\" until recorded.")
    work = serializers.CharField(allow_blank=True, help_text=one_of(Work)
                                 + " \"\" until recorded.")
    new_offence = serializers.CharField(allow_blank=True, help_text=one_of(YesNoUnknown)
                                        + " \"\" until recorded.")
    reengagement = serializers.CharField(
        allow_blank=True, help_text="Re-engagement with violent groups. "
                                    + one_of(Reengagement) + " \"\" until recorded.")
    notes = serializers.CharField(allow_blank=True, help_text="Notes; for a missed one, what "
                                                              "was tried.")
    recorded_by = _staff("Who recorded the outcome.")
    recorded_at = serializers.DateTimeField(allow_null=True, help_text="When it was recorded.")
    version = serializers.IntegerField(help_text="Send it back to record the outcome; 409 if "
                                                 "stale.")

    def get_overdue(self, follow_up) -> bool:
        return follow_up.is_overdue(self.context["today"])


# --- handovers -----------------------------------------------------------------------------------

class PackageRecordSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The record's id.")
    version = serializers.IntegerField(help_text="Its version when the package was sent.")


class PackageStepsSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Pre-release steps done or not applicable.")
    total = serializers.IntegerField(help_text="Pre-release steps in all.")


class PackageSerializer(serializers.Serializer):
    """What the package held when it was sent (the records and their versions then)."""

    assessment = serializers.UUIDField(allow_null=True, help_text="The latest countersigned "
                                                                  "assessment, if any.")
    plan = PackageRecordSerializer(allow_null=True, help_text="The current plan, if any.")
    support_plan = PackageRecordSerializer(allow_null=True, help_text="The support plan, if "
                                                                      "any.")
    steps = PackageStepsSerializer(help_text="How far the pre-release programme was.")
    release_on = serializers.DateField(allow_null=True, help_text="The expected release then.")


def package_of(handover) -> dict:
    """The stored package (services.handover.package_refs) in the API's shape."""
    package = handover.package or {}

    def record(value):
        return {"uuid": value[0], "version": value[1]} if value else None

    done, total = (package.get("steps") or [0, 0])[:2]
    return {"assessment": package.get("assessment"), "plan": record(package.get("plan")),
            "support_plan": record(package.get("support_plan")),
            "steps": {"done": done, "total": total}, "release_on": package.get("release_on")}


class HandoverSerializer(serializers.Serializer):
    """A handover with the reader's actions (`grant` by handover id in the context)."""

    uuid = serializers.UUIDField(help_text="The handover's id.")
    person = serializers.UUIDField(source="person.uuid", help_text="The person's id.")
    person_reference = serializers.CharField(source="person.reference",
                                             help_text="The person's reference.")
    from_agency = AgencyRefSerializer(help_text="The prison handing over.")
    to_agency = AgencyRefSerializer(help_text="The agency taking the person on.")
    status = serializers.CharField(help_text=one_of(HandoverStatus))
    status_label = serializers.CharField(source="get_status_display", help_text=IN_LANGUAGE)
    note = serializers.CharField(allow_blank=True, help_text="The note to the receiving "
                                                             "agency.")
    retain_days = serializers.IntegerField(help_text="The prison keeps read access this many "
                                                     "days after responsibility passes.")
    sent_at = serializers.DateTimeField(help_text="When it was sent.")
    sent_by = _staff("Who sent it.")
    acknowledged_at = serializers.DateTimeField(allow_null=True,
                                                help_text="When the receiving agency "
                                                          "acknowledged it.")
    acknowledged_by = _staff("Who acknowledged it.")
    acknowledgement_note = serializers.CharField(allow_blank=True,
                                                 help_text="Their note, if any.")
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="When it was withdrawn.")
    withdrawn_by = _staff("Who withdrew it.")
    withdrawn_reason = serializers.CharField(allow_blank=True, help_text="Why it was withdrawn.")
    transferred_at = serializers.DateTimeField(
        allow_null=True, help_text="When responsibility passed (acknowledged and released); "
                                   "null until then.")
    version = serializers.IntegerField(help_text="Send it back to acknowledge or withdraw it; "
                                                 "409 if stale.")
    actions = serializers.SerializerMethodField(help_text=ACTIONS_HELP)

    def get_actions(self, handover) -> list[str]:
        return _actions(self.context["grants"][handover.pk])


class HandoverDetailSerializer(HandoverSerializer):
    package = serializers.SerializerMethodField(help_text="What the package held when it was "
                                                          "sent.")

    @extend_schema_field(PackageSerializer)
    def get_package(self, handover):
        return PackageSerializer(package_of(handover)).data
