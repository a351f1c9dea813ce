"""The indicators of DOMAIN.md §12, defined in one place (docs/indicators.md explains each).

Each indicator is computed for every agency and calendar month by its `source` (sources.py),
into monitoring.IndicatorValue rows (snapshots.py):

* a **count** stores the count in `numerator`;
* a **rate** stores the numerator and the denominator (the share is numerator / denominator);
* a **mean** stores the sum of the values in `numerator` and their number in `denominator`.

`over_time` says how months make a longer period: "sum" (events in the period: the months add
up) or "last" (a state at the end of the period: the last month's value). An indicator whose
`module` is not installed is "not available", never zero.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _


class Kind:
    COUNT = "count"
    RATE = "rate"
    MEAN = "mean"


class OverTime:
    SUM = "sum"
    LAST = "last"


@dataclass(frozen=True)
class Indicator:
    code: str
    title: object
    definition: object  # what it tells a manager, in a sentence or two
    numerator: object  # what is counted (a mean: the values averaged)
    denominator: object | None  # out of what (a count: None; a mean: what is averaged over)
    period_rule: object  # which records fall in a month
    kind: str
    over_time: str
    module: str  # the app label whose records it reads
    source: str  # "sources.function": function(first_month, last_month) -> rows
    unit: object = ""  # of a mean: "days", "points"...
    higher_is_better: bool | None = True
    # A rate whose numerator and that other rate's numerator are two parts of one denominator
    # (refused and attended sessions): the third part, the remainder, is protected too
    # (statistics._year_table).
    partition_with: str = ""

    @property
    def available(self) -> bool:
        return apps.is_installed(f"alliance.{self.module}")

    @property
    def function(self) -> Callable:
        module, name = self.source.rsplit(".", 1)
        return getattr(import_module(f"alliance.monitoring.{module}"), name)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="screened",
        title=_("People screened"),
        definition=_("Screenings for signs of radicalisation completed in the period."),
        numerator=_("Screenings completed (a person screened twice counts twice)."),
        denominator=None,
        period_rule=_("The screening's date falls in the month."),
        kind=Kind.COUNT, over_time=OverTime.SUM, module="assessments",
        source="sources.screened"),
    Indicator(
        code="assessed",
        title=_("People assessed"),
        definition=_("Risk and needs assessments completed (submitted and countersigned) in "
                     "the period."),
        numerator=_("Risk and needs assessments countersigned (checklists, and corrections of "
                    "an earlier assessment, excluded)."),
        denominator=None,
        period_rule=_("The assessment was countersigned in the month."),
        kind=Kind.COUNT, over_time=OverTime.SUM, module="assessments",
        source="sources.assessed"),
    Indicator(
        code="current_plan",
        title=_("People with a current plan"),
        definition=_("Of the people with an open case at the end of the period, the share whose "
                     "rehabilitation plan was approved and in force on that day."),
        numerator=_("People with an open case and an approved plan in force at the end of the "
                    "month (a version countersigned on or before that day)."),
        denominator=_("People with an open case at the end of the month."),
        period_rule=_("A state on the last day of the month; a longer period takes its last "
                      "month."),
        kind=Kind.RATE, over_time=OverTime.LAST, module="plans",
        source="sources.current_plan"),
    Indicator(
        code="engagement",
        title=_("Engagement rate"),
        definition=_("Of the sessions whose attendance was recorded in the period, the share "
                     "the person attended."),
        numerator=_("Sessions attended."),
        denominator=_("Sessions recorded as attended, refused or not produced (sessions "
                      "cancelled by the service, or with no attendance recorded, excluded)."),
        period_rule=_("The session was scheduled in the month."),
        kind=Kind.RATE, over_time=OverTime.SUM, module="plans",
        source="sources.engagement"),
    Indicator(
        code="refusal",
        title=_("Refusal rate"),
        definition=_("Of the sessions whose attendance was recorded in the period, the share "
                     "the person refused."),
        numerator=_("Sessions refused."),
        denominator=_("Sessions recorded as attended, refused or not produced (sessions "
                      "cancelled by the service, or with no attendance recorded, excluded)."),
        period_rule=_("The session was scheduled in the month."),
        kind=Kind.RATE, over_time=OverTime.SUM, module="plans",
        source="sources.refusal", higher_is_better=False, partition_with="engagement"),
    Indicator(
        code="alliance",
        title=_("Working alliance"),
        definition=_("The mean overall score of the working-alliance measures taken in the "
                     "period, on the instrument's scale (the mean answer, 1 to 5 on the "
                     "reference instrument): a falling trend warns of ruptures."),
        numerator=_("The sum of the measures' overall scores (the instrument's \"total\" "
                    "subscale: the mean of the item answers)."),
        denominator=_("Working-alliance measures with an overall score (a measure with too "
                      "few answers for one is left out)."),
        period_rule=_("The measure was taken in the month."),
        kind=Kind.MEAN, over_time=OverTime.SUM, module="plans",
        source="sources.alliance", unit=_("points")),
    Indicator(
        code="reassessment_on_time",
        title=_("Reassessments on time"),
        definition=_("Of the reassessments completed in the period, the share completed within "
                     "the jurisdiction's reassessment interval after the previous assessment."),
        numerator=_("Reassessments completed on or before the previous assessment's "
                    "completion date plus the interval."),
        denominator=_("Reassessments completed (every completed risk and needs assessment of "
                      "a person after their first; corrections excluded)."),
        period_rule=_("The reassessment was completed in the month."),
        kind=Kind.RATE, over_time=OverTime.SUM, module="assessments",
        source="sources.reassessment_on_time"),
    Indicator(
        code="prerelease_on_time",
        title=_("Pre-release steps on time"),
        definition=_("Of the pre-release steps due in the period, the share completed by their "
                     "due date."),
        numerator=_("Steps due in the month and completed on or before their due date."),
        denominator=_("Steps due in the month (steps not applicable, and steps still to do "
                      "whose due date has not passed, excluded)."),
        period_rule=_("The step's due date falls in the month."),
        kind=Kind.RATE, over_time=OverTime.SUM, module="release",
        source="sources.prerelease_on_time"),
    Indicator(
        code="support_plan_at_release",
        title=_("Support plan in place at release"),
        definition=_("Of the people released in the period, the share who had a post-release "
                     "support plan on the day of release."),
        numerator=_("Releases with a support plan recorded on or before the release date."),
        denominator=_("Releases into the community (custody episodes ended at the end of the "
                      "sentence or by conditional release; transfers and deportations "
                      "excluded)."),
        period_rule=_("The release date falls in the month."),
        kind=Kind.RATE, over_time=OverTime.SUM, module="release",
        source="sources.support_plan_at_release"),
    Indicator(
        code="referral_on_time",
        title=_("Referrals answered on time"),
        definition=_("Of the referrals sent in the period, the share the receiving agency "
                     "accepted or declined by the date it was asked to respond by."),
        numerator=_("Referrals accepted or declined on or before their respond-by date."),
        denominator=_("Referrals sent (those withdrawn before an answer, and those still "
                      "waiting before their respond-by date, excluded)."),
        period_rule=_("The referral was sent in the month."),
        kind=Kind.RATE, over_time=OverTime.SUM, module="coordination",
        source="sources.referral_on_time"),
    Indicator(
        code="referral_response_days",
        title=_("Referral response time"),
        definition=_("The mean number of days between a referral being sent and the receiving "
                     "agency's answer, for referrals answered in the period."),
        numerator=_("The sum of the days from the day of sending to the day of the answer."),
        denominator=_("Referrals answered (accepted or declined)."),
        period_rule=_("The answer was given in the month."),
        kind=Kind.MEAN, over_time=OverTime.SUM, module="coordination",
        source="sources.referral_response_days", unit=_("days"), higher_is_better=False),
    Indicator(
        code="trained_staff",
        title=_("Staff trained"),
        definition=_("Staff members who attended a training session (course or booster) held "
                     "in the period."),
        numerator=_("Attendances recorded as present (passed or not passed) at sessions that "
                    "ended in the month."),
        denominator=None,
        period_rule=_("The session's last day falls in the month."),
        kind=Kind.COUNT, over_time=OverTime.SUM, module="knowledge",
        source="sources.trained_staff"),
    Indicator(
        code="certified_staff",
        title=_("Certified assessors"),
        definition=_("Staff members of the agency holding an assessor certification that is "
                     "valid (not expired, not revoked) at the end of the period."),
        numerator=_("Staff members with a valid certification on the last day of the month."),
        denominator=None,
        period_rule=_("A state on the last day of the month; a longer period takes its last "
                      "month."),
        kind=Kind.COUNT, over_time=OverTime.LAST, module="assessments",
        source="sources.certified_staff"),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def get(code: str) -> Indicator | None:
    return BY_CODE.get(code)
