"""Which data categories may cross from one agency to another today, and under which agreement
(models.SharingAgreement). The one place that reads agreements for access decisions: the
people app's policy asks `crossings` once per request (people/access.py)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from alliance.core import context

from .models import AgreementParty, AgreementStatus, SharingAgreement


def in_force(today: datetime.date | None = None) -> QuerySet[SharingAgreement]:
    today = today or timezone.localdate()
    return SharingAgreement.objects.filter(status=AgreementStatus.IN_FORCE,
                                           valid_from__lte=today, valid_until__gte=today)


def crossings(receiving_agency_ids, today: datetime.date | None = None
              ) -> dict[tuple[int, int], dict[str, int]]:
    """(from agency id, to agency id) -> {category: agreement id}, for the agreements in force
    that name one of `receiving_agency_ids` as a party: what each of those agencies may receive
    from each other party, and the agreement it relies on (the oldest in force, when several
    cover a category). One query, whatever the number of agreements; today's answer is kept for
    the rest of a request that writes nothing (the access policies of several modules ask)."""
    receiving = frozenset(receiving_agency_ids)
    if not receiving:
        return {}
    if today is None:
        return context.remembered(("crossings", receiving), lambda: _crossings(receiving, None),
                                  reads_only=True)
    return _crossings(receiving, today)


def _crossings(receiving, today) -> dict[tuple[int, int], dict[str, int]]:
    covering = in_force(today).filter(parties__agency_id__in=sorted(receiving)).values("pk")
    parties: dict[int, list] = {}
    for agreement_id, agency_id, categories in (
            AgreementParty.objects.filter(agreement_id__in=covering)
            .order_by("agreement__valid_from", "agreement_id")
            .values_list("agreement_id", "agency_id", "categories")):
        parties.setdefault(agreement_id, []).append((agency_id, categories))
    agreements = list(parties)  # the oldest in force first (dicts keep the order)
    result: dict[tuple[int, int], dict[str, int]] = {}
    for agreement_id in agreements:
        members = parties.get(agreement_id, [])
        for to_agency, categories in members:
            if to_agency not in receiving:
                continue
            for from_agency, _ in members:
                if from_agency == to_agency:
                    continue
                allowed = result.setdefault((from_agency, to_agency), {})
                for category in categories:
                    allowed.setdefault(category, agreement_id)
    return result


def categories_between(from_agency_id: int, to_agency_id: int,
                       today: datetime.date | None = None) -> dict[str, int]:
    """{category: agreement id} that `to_agency_id` may receive from `from_agency_id` today."""
    if from_agency_id == to_agency_id:
        raise ValueError("no boundary inside one agency")
    return crossings({to_agency_id}, today).get((from_agency_id, to_agency_id), {})
