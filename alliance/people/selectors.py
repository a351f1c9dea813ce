"""Scoped reads of person-level data. Each consultation is audited here, once, for every interface."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from alliance.core import audit, crypto
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction

from .access import (
    holding_agency_ids,
    identity_holders,
    open_team_scopes,
    persons_visible_to,
    require_caseload,
)
from .models import CustodyEpisode, Person, PersonSearchToken
from .timeline import render

REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9]{1,8}-[A-Za-z0-9]{0,6}$")
PAGE_SIZE = 50


@dataclass
class CaseloadFilters:
    q: str = ""
    classification: str = ""
    category: str = ""
    agency: str = ""  # agency uuid


def _search(qs, q: str, user):
    """Reference prefix for every visible person; exact name, alias or national ID only among
    the people whose identity the user holds (others match by reference alone, so the count,
    the order and the query are the same whether or not a name belongs to one of them)."""
    q = q.strip()
    if not q:
        return qs
    tokens = PersonSearchToken.objects.filter(person=OuterRef("pk"),
                                              digest=crypto.blind_index(q))
    condition = Exists(tokens) & identity_holders(user)
    if REFERENCE_PATTERN.match(q) or q.isalnum():
        condition |= Q(reference__istartswith=q)
    return qs.filter(condition)


def caseload_queryset(user, filters: CaseloadFilters):
    """The visible people matching the filters, with what the list shows, in constant queries."""
    current = CustodyEpisode.objects.filter(person=OuterRef("pk"), is_current=True)
    from alliance.cases.models import Case

    open_case = Case.objects.filter(person=OuterRef("pk"), status="open")
    qs = (
        persons_visible_to(user)
        .select_related("responsible_agency", "jurisdiction")
        .annotate(
            expected_release=Subquery(current.values("expected_release")[:1]),
            unit_name=Subquery(current.values("unit__name")[:1]),
            management_level=Subquery(open_case.values("management_level")[:1]),
        )
    )
    qs = _search(qs, filters.q, user)
    if filters.classification:
        qs = qs.filter(classification=filters.classification)
    if filters.category:
        qs = qs.filter(data_subject_category=filters.category)
    if filters.agency:
        qs = qs.filter(responsible_agency__uuid=filters.agency)
    return qs.order_by("expected_release", "reference")


def identity_visible_ids(user, persons) -> set[int]:
    """Which of these people the user may see by name (one query, whatever the page size)."""
    holding = holding_agency_ids(user)
    ids = {p.pk for p in persons if p.responsible_agency_id in holding}
    rest = [p.pk for p in persons if p.pk not in ids]
    if rest:
        ids |= {pid for pid, scopes in open_team_scopes(user, rest).items()
                if Compartment.IDENTITY in scopes}
    return ids


def caseload_page(user, filters: CaseloadFilters, page_number=1):
    """One page of the caseload, audited as a list (or a search) of exactly the rows shown."""
    require_caseload(user)
    page = Paginator(caseload_queryset(user, filters), PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    visible = identity_visible_ids(user, rows)
    from alliance.cases.models import ManagementLevel

    levels = dict(ManagementLevel.choices)
    for person in rows:
        person.identity_visible = person.pk in visible
        person.management_level_label = levels.get(person.management_level, "")
    searched = bool(filters.q.strip())
    details = {"page": page.number, "filters": {
        "classification": filters.classification, "category": filters.category,
        "agency": filters.agency}}
    if searched:
        # The term itself may be a name: keep only its keyed hash, which a DPO can match.
        details["query_hash"] = crypto.blind_index(filters.q)
    audit.record_consultation(actor=user, action=AuditAction.SEARCH if searched else
                              AuditAction.LIST, persons=rows, details=details)
    return page, rows


def person_page(user, person: Person) -> dict:
    """Everything the person page shows, filtered by the user's compartments."""
    from alliance.cases.models import Case

    access = person.access
    episodes = list(
        CustodyEpisode.objects.filter(person=person).select_related("facility", "unit")
        .prefetch_related("key_date_overrides__actor")
    )
    case = (
        Case.objects.filter(person=person, status="open").select_related("case_manager")
        .prefetch_related("team__user", "team__agency", "level_history__decided_by").first()
    )
    events = list(
        person.timeline.filter(compartment__in=access.compartments).select_related("actor")[:100]
    )
    cache: dict = {}
    for event in events:
        event.text = render(event, cache)
    return {
        "person": person,
        "access": access,
        "current_episode": next((e for e in episodes if e.is_current), None),
        "past_episodes": [e for e in episodes if not e.is_current],
        "classification_history": list(
            person.classification_changes.select_related("changed_by")),
        "case": case,
        "team": [m for m in case.team.all() if m.ended_at is None] if case else [],
        "past_team": [m for m in case.team.all() if m.ended_at] if case else [],
        "level_history": list(case.level_history.all()) if case else [],
        "timeline": events,
    }


def aggregate_counts(min_count: int | None = None) -> dict:
    """Anonymous counts per jurisdiction and classification, small counts suppressed."""
    from alliance.organisations.models import Jurisdiction

    threshold = min_count or settings.AGGREGATE_MIN_COUNT
    rows = Person.objects.values("jurisdiction_id", "classification").annotate(n=Count("id"))
    counts = {(r["jurisdiction_id"], r["classification"]): r["n"] for r in rows}
    from .models import Classification

    table = []
    for j in Jurisdiction.objects.all():
        cells = []
        for c in Classification:
            n = counts.get((j.pk, c.value), 0)
            cells.append(n if n == 0 or n >= threshold else None)
        table.append({"jurisdiction": j, "cells": cells})
    return {"columns": [c.label for c in Classification], "rows": table, "threshold": threshold}


def with_custody(persons: list) -> list:
    """Attach custody episodes (with facility and unit) to people already obtained through
    access (for the API), in one query."""
    from django.db.models import Prefetch, prefetch_related_objects

    prefetch_related_objects(persons, Prefetch(
        "custody_episodes", queryset=CustodyEpisode.objects.select_related("facility", "unit")),
        "classification_changes")
    return persons
