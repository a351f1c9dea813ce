"""Reads about agreements beyond the policy's filter: the list's tabs, and the people who rely on
an agreement (the DPO's list, the administrator's count, the lapse notification's count)."""

import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from alliance.cases.models import CaseTeamMember
from alliance.organisations.agreements import crossings
from alliance.organisations.models import AgreementStatus, SharingAgreement
from alliance.people.models import Person

REVIEW_WITHIN = datetime.timedelta(days=30)

TABS = ("in_force", "review_due", "ended", "drafts", "all")


def in_tab(rows: QuerySet[SharingAgreement], tab: str,
           today: datetime.date | None = None) -> QuerySet[SharingAgreement]:
    """The agreements of one tab of the list: in force today; in force with the review due
    within 30 days (or overdue); lapsed or terminated; drafts; or all of them."""
    today = today or timezone.localdate()
    in_force = rows.filter(status=AgreementStatus.IN_FORCE, valid_from__lte=today,
                           valid_until__gte=today)
    if tab == "in_force":
        return in_force
    if tab == "review_due":
        return in_force.filter(review_due__lte=today + REVIEW_WITHIN)
    if tab == "ended":
        return (rows.filter(status=AgreementStatus.TERMINATED)
                | rows.filter(status=AgreementStatus.IN_FORCE, valid_until__lt=today))
    if tab == "drafts":
        return rows.filter(status=AgreementStatus.DRAFT)
    return rows


def people_relying_on(agreement: SharingAgreement,
                      today: datetime.date | None = None) -> QuerySet[Person]:
    """The people whose data crosses under `agreement`: someone from one party agency has a
    place on their open case team, and another party is the agency responsible for them.

    In force, only those for whom it is the agreement the gate uses (organisations.agreements:
    the oldest in force covering a category); lapsed or terminated, those for whom the gate
    would have used it — the people whose team places lost what crossed under it."""
    today = today or timezone.localdate()
    parties = {p.agency_id: set(p.categories) for p in agreement.parties.all()}
    rows = list(CaseTeamMember.objects.filter(
        case__status="open", ended_at__isnull=True, agency_id__in=sorted(parties),
        case__person__responsible_agency_id__in=sorted(parties)).exclude(
        agency_id=F("case__person__responsible_agency_id")).values_list(
        "case__person_id", "case__person__responsible_agency_id", "agency_id"))
    if agreement.in_force_on(today):
        allowed = crossings({agency for _, _, agency in rows}, today)
        ids = {person for person, responsible, agency in rows
               if agreement.pk in allowed.get((responsible, agency), {}).values()}
    else:
        ids = {person for person, _, agency in rows if parties.get(agency)}
    return Person.objects.filter(pk__in=sorted(ids)).order_by("reference")
