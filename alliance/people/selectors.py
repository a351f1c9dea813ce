"""Scoped reads of person-level data. Every read starts from the policy (people/access.py) and
notes what the response shows, for its one audit event (core/audit.py `consulted`)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Subquery,
    prefetch_related_objects,
)

from alliance.core import audit, context, crypto
from alliance.core.compartments import Compartment
from alliance.core.models import AuditAction
from alliance.core.pagination import bounded_page
from alliance.organisations.models import Jurisdiction

from .access import (
    compartment_holders,
    holders_among,
    persons,
    require_caseload,
)
from .models import IDENTITY_FIELDS, Classification, CustodyEpisode, Person, PersonSearchToken
from .timeline import render

REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9]{1,8}-[A-Za-z0-9]{0,6}$")
PAGE_SIZE = 50


@dataclass
class CaseloadFilters:
    q: str = ""
    classification: str = ""
    category: str = ""
    agency: str = ""  # agency uuid


@dataclass(frozen=True)
class CaseloadRow:
    """One line of the caseload: the person and what the reader may see of them."""

    person: Person
    identity_visible: bool
    management_level: str  # the labels, in the reader's language
    classification: str = ""
    category: str = ""


def _search(qs, q: str, user):
    """Reference prefix for every visible person; exact name, alias or national ID only among
    the people whose identity the user holds (others match by reference alone, so the count,
    the order and the query are the same whether or not a name belongs to one of them).

    The matches are found first, through indexes (the search tokens' digest; the reference's
    pattern index: references are upper case, services.new_reference), then ordered: a search
    costs what it finds, where filtering the whole caseload in its order walked every visible
    person when nothing matched."""
    q = q.strip()
    if not q:
        return qs
    matches = (PersonSearchToken.objects.filter(digest=crypto.blind_index(q))
               .filter(compartment_holders(user, Compartment.IDENTITY, "person__"))
               .values("person_id"))
    if REFERENCE_PATTERN.match(q) or q.isalnum():
        matches = matches.union(Person.objects.filter(reference__startswith=q.upper())
                                .values("pk"))
    return qs.filter(pk__in=matches)


# IDENTITY_FIELDS (models) are decrypted only for the rows whose identity the reader holds
# (caseload_page): a list never decrypts what it does not show.
NAME_FIELDS = ("given_name", "family_name")


def caseload_queryset(user, filters: CaseloadFilters):
    """The visible people matching the filters, with what the list shows, soonest expected
    release first (no date last, on every database). The order is the person row's own indexed
    key (Person.expected_release_on, kept by the services), so a page walks the index and stops:
    its cost does not grow with the number of people. The unit and the management level are
    subqueries evaluated for the rows returned only. Encrypted fields are deferred (see
    caseload_page); the open case is reached by the reverse relation the cases app declares."""
    current = CustodyEpisode.objects.filter(person=OuterRef("pk"), is_current=True)
    open_case = _case_model().objects.filter(person=OuterRef("pk"), status="open")
    qs = (
        persons.visible(user)
        .select_related("responsible_agency", "jurisdiction")
        .defer(*IDENTITY_FIELDS)
        .annotate(
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
    return qs.order_by(F("expected_release_on").asc(nulls_last=True), "reference")


def identity_visible_ids(user, people) -> set[int]:
    """Which of these people the user may see by name."""
    return holders_among(user, people, Compartment.IDENTITY)


def _case_model():
    """The cases app's Case, reached by the relation it declares on Person, not by import."""
    return Person.cases.field.model


def _management_levels() -> dict:
    return dict(_case_model()._meta.get_field("management_level").flatchoices)


def _labels(choices) -> dict[str, str]:
    return {code: str(label) for code, label in dict(choices).items()}


def _load_identities(user, people: list, ids: set[int], fields) -> None:
    """Decrypt `fields` for the people in `ids` only (those whose identity `user` holds), in one
    query through the policy, onto the rows already read (the caseload deferred them: touching
    a deferred field on a row would query once per row)."""
    if not ids:
        return
    loaded = persons.visible(user).filter(pk__in=ids).only("pk", *fields).in_bulk()
    for person in people:
        if person.pk in loaded:
            for field in fields:
                setattr(person, field, getattr(loaded[person.pk], field))


def caseload_page(user, filters: CaseloadFilters, page_number=1,
                  identity_fields=NAME_FIELDS, size: int | None = None):
    """One page of the caseload: (page, rows), in a number of queries that does not depend on
    the number of people, and decrypting only `identity_fields` of the rows whose identity the
    reader holds (the names for the page; every identity field for the API). The response is
    audited as a list (or a search) of exactly the rows shown."""
    require_caseload(user)
    page = bounded_page(caseload_queryset(user, filters), page_number, size or PAGE_SIZE)
    people = list(page.object_list)
    visible = identity_visible_ids(user, people)
    _load_identities(user, people, visible, identity_fields)
    # Each label translated once per page, not once per row (a hundred rows, three labels).
    levels = _labels(_management_levels())
    classifications = _labels(Person._meta.get_field("classification").flatchoices)
    categories = _labels(Person._meta.get_field("data_subject_category").flatchoices)
    rows = [CaseloadRow(p, p.pk in visible, levels.get(p.management_level, ""),
                        classifications.get(p.classification, p.classification),
                        categories.get(p.data_subject_category, p.data_subject_category))
            for p in people]
    searched = bool(filters.q.strip())
    details = {"page": page.number, "filters": {
        "classification": filters.classification, "category": filters.category,
        "agency": filters.agency}}
    if searched:
        # The term itself may be a name: keep only its keyed hash, which a DPO can match.
        details["query_hash"] = crypto.blind_index(filters.q)
    audit.consulted(actor=user, action=AuditAction.SEARCH if searched else AuditAction.LIST,
                    persons=people, details=details)
    return page, rows


# --- the person page's own sections -------------------------------------------------------------

def episodes_of(person) -> list[CustodyEpisode]:
    """The person's custody episodes, latest admission first, with their facility and unit: one
    query, once per request that writes nothing (the custody and release sections both read
    them)."""
    return context.remembered(("episodes_of", person.pk), lambda: list(
        CustodyEpisode.objects.filter(person=person).select_related("facility", "unit")
        .order_by("-admitted_on", "-id")), reads_only=True)


def custody_section(user, person, grant) -> dict:
    episodes = episodes_of(person)
    prefetch_related_objects(episodes, "key_date_overrides__actor")
    return {"current_episode": next((e for e in episodes if e.is_current), None),
            "past_episodes": [e for e in episodes if not e.is_current]}


def classification_section(user, person, grant) -> dict:
    return {"classification_history": list(
        person.classification_changes.select_related("changed_by"))}


def timeline_section(user, person, grant) -> dict:
    events = list(person.timeline.filter(compartment__in=grant.compartments)
                  .select_related("actor")[:100])
    cache: dict = {}
    return {"timeline": [(event, render(event, cache)) for event in events]}


# --- aggregates and the API --------------------------------------------------------------------

def aggregate_counts(min_count: int | None = None) -> dict:
    """Anonymous counts per jurisdiction and classification, small counts suppressed."""
    threshold = min_count or settings.AGGREGATE_MIN_COUNT
    rows = Person.objects.values("jurisdiction_id", "classification").annotate(n=Count("id"))
    counts = {(r["jurisdiction_id"], r["classification"]): r["n"] for r in rows}
    table = []
    for j in Jurisdiction.objects.all():
        cells = []
        for c in Classification:
            n = counts.get((j.pk, c.value), 0)
            cells.append(n if n == 0 or n >= threshold else None)
        table.append({"jurisdiction": j, "cells": cells})
    return {"columns": [c.label for c in Classification], "rows": table, "threshold": threshold}


def with_custody(people: list) -> list:
    """Prefetch custody episodes (with facility and unit) and classification changes for people
    already obtained through the policy (for the API), in one query each."""
    prefetch_related_objects(people, Prefetch(
        "custody_episodes", queryset=CustodyEpisode.objects.select_related("facility", "unit")),
        "classification_changes")
    return people
