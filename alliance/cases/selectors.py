"""Reading cases: what several modules read of a person's open case."""

from django.db.models import Prefetch

from alliance.core import context

from .models import Case, CaseTeamMember, ManagementLevelChange


def open_case(person) -> Case | None:
    """The person's open case (a person has at most one), with its case manager, every member
    of its team (current and past, with their user and agency) and its level history (with who
    decided): three queries, once per request that writes nothing (the case section and the
    release section both read it; a request that writes reads it afresh)."""
    return context.remembered(("open_case", person.pk), lambda: (
        Case.objects.filter(person=person, status="open").select_related("case_manager")
        .prefetch_related(
            Prefetch("team", queryset=CaseTeamMember.objects.select_related("user", "agency")),
            Prefetch("level_history",
                     queryset=ManagementLevelChange.objects.select_related("decided_by")))
        .first()),
        reads_only=True)


def current_team(case: Case | None) -> list:
    """The current members of `case`'s team (from `open_case`'s prefetch), in the order they
    joined."""
    if case is None:
        return []
    return sorted((m for m in case.team.all() if m.ended_at is None),
                  key=lambda m: (m.added_at, m.pk))
