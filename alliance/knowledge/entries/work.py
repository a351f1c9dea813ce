"""What the review and publication of knowledge entries put in people's work (alliance.work).
Registered from apps.py; the event functions are called by the services inside their
transaction. Tasks and notifications carry no parameter: an entry's title is free text, and the
link leads to the entry's page, whose policy decides at click time.

* knowledge_entry_review (task): the reviewers of the entry's jurisdiction, as a role in one
  agency (the work app keeps one open task of a kind per source): Role.KNOWLEDGE_EDITOR in the
  entry's own organisation if an editor works there, else in the jurisdiction's agency with
  the most editors; a regional entry goes to the regional programme's knowledge editors, or
  its regional coordinators when it has no editor. Due REVIEW_DAYS after submission; closed
  (done) when the entry is reviewed or returned, cancelled when the draft is deleted.
* knowledge_entry_publish (task): the regional coordinators (the agency where most of them
  work), due PUBLISH_DAYS after the review; done on publication, cancelled on withdrawal.
* knowledge_entry_reviewed, _returned, _published, _withdrawn (notifications): the author.

No daily function: a task past its date already shows as overdue in "My work".
"""

import datetime
from collections import Counter

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.models import Membership, Role
from alliance.work import registry
from alliance.work import services as work
from alliance.work.models import TaskStatus

ENTRY_REVIEW = "knowledge_entry_review"
ENTRY_PUBLISH = "knowledge_entry_publish"
ENTRY_REVIEWED = "knowledge_entry_reviewed"
ENTRY_RETURNED = "knowledge_entry_returned"
ENTRY_PUBLISHED = "knowledge_entry_published"
ENTRY_WITHDRAWN = "knowledge_entry_withdrawn"

REVIEW_DAYS = 14
PUBLISH_DAYS = 14


def _entry_page(obj) -> str:
    return reverse("knowledge:entry_detail",
                   args=[getattr(obj, "source_uuid", None) or obj.target_uuid])


def register() -> None:
    registry.register_task_kind(ENTRY_REVIEW, label=_("Review a knowledge entry"), params=(),
                                url=_entry_page)
    registry.register_task_kind(ENTRY_PUBLISH, label=_("Publish a reviewed entry"), params=(),
                                url=_entry_page)
    registry.register_notification_kind(
        ENTRY_REVIEWED, label=_("Your knowledge entry was reviewed: a regional coordinator "
                                "publishes it next."), params=(), url=_entry_page)
    registry.register_notification_kind(
        ENTRY_RETURNED, label=_("Your knowledge entry was returned to you with a note."),
        params=(), url=_entry_page)
    registry.register_notification_kind(
        ENTRY_PUBLISHED, label=_("Your knowledge entry was published for the region."),
        params=(), url=_entry_page)
    registry.register_notification_kind(
        ENTRY_WITHDRAWN, label=_("Your knowledge entry was withdrawn."), params=(),
        url=_entry_page)


def _places(role: str, *, jurisdiction_id=None, regional_only: bool = True, exclude=None
            ) -> Counter:
    """{agency: how many active users hold `role` there}, in the jurisdiction (None: the
    agencies with no jurisdiction; `regional_only=False`: anywhere), but `exclude`."""
    memberships = Membership.objects.filter(is_active=True, user__is_active=True,
                                            agency__is_active=True).select_related("agency")
    if jurisdiction_id is not None:
        memberships = memberships.filter(agency__jurisdiction_id=jurisdiction_id)
    elif regional_only:
        memberships = memberships.filter(agency__jurisdiction__isnull=True)
    if exclude is not None:
        memberships = memberships.exclude(user_id=exclude.pk)
    return Counter(m.agency for m in memberships if role in m.roles)


def _busiest(places: Counter, preferred=None):
    """The preferred agency if it is among `places`, else the one with the most holders (by
    name on a tie), else None."""
    if preferred is not None and preferred in places:
        return preferred
    ranked = sorted(places.items(), key=lambda item: (-item[1], item[0].name, item[0].pk))
    return ranked[0][0] if ranked else None


def reviewing_place(entry):
    """(agency, role) the review task goes to, or (None, "") when nobody could take it."""
    if entry.jurisdiction_id is not None:
        editors = _places(Role.KNOWLEDGE_EDITOR, jurisdiction_id=entry.jurisdiction_id,
                          exclude=entry.author)
        agency = _busiest(editors, entry.agency)
        if agency is None:
            # Nobody reviews there yet: whoever is made its knowledge editor later sees it.
            agency = entry.agency or _busiest(Counter(
                m.agency for m in Membership.objects.filter(
                    user=entry.author, is_active=True,
                    agency__jurisdiction_id=entry.jurisdiction_id).select_related("agency")))
        return (agency, Role.KNOWLEDGE_EDITOR) if agency else (None, "")
    agency = _busiest(_places(Role.KNOWLEDGE_EDITOR, exclude=entry.author), entry.agency)
    if agency is not None:
        return agency, Role.KNOWLEDGE_EDITOR
    agency = coordinating_agency(exclude=entry.author)
    return (agency, Role.REGIONAL_COORDINATOR) if agency else (None, "")


def coordinating_agency(exclude=None):
    """The agency where most regional coordinators work (None: there is no coordinator)."""
    return _busiest(_places(Role.REGIONAL_COORDINATOR, regional_only=False, exclude=exclude))


def _due(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _tell_author(entry, kind: str, actor) -> None:
    if entry.author_id != getattr(actor, "pk", None):
        work.notify(recipient=entry.author, kind=kind, target=entry, actor=actor)


def on_submitted(entry, actor) -> None:
    """The review task, for the reviewers of the entry's jurisdiction (brought up to date when
    the author changes the jurisdiction of a submitted draft)."""
    agency, role = reviewing_place(entry)
    if agency is None:
        work.task_close(source=entry, kind=ENTRY_REVIEW, status=TaskStatus.CANCELLED,
                        actor=actor)
        return
    work.task_ensure(kind=ENTRY_REVIEW, source=entry, due_on=_due(REVIEW_DAYS), agency=agency,
                     role=role, created_by=actor)


def on_reviewed(entry, actor) -> None:
    work.task_close(source=entry, kind=ENTRY_REVIEW, actor=actor)
    agency = coordinating_agency()
    if agency is not None:
        work.task_ensure(kind=ENTRY_PUBLISH, source=entry, due_on=_due(PUBLISH_DAYS),
                         agency=agency, role=Role.REGIONAL_COORDINATOR, created_by=actor)
    _tell_author(entry, ENTRY_REVIEWED, actor)


def on_returned(entry, actor) -> None:
    work.task_close(source=entry, kind=ENTRY_REVIEW, actor=actor)
    _tell_author(entry, ENTRY_RETURNED, actor)


def on_published(entry, actor) -> None:
    work.task_close(source=entry, kind=ENTRY_PUBLISH, actor=actor)
    _tell_author(entry, ENTRY_PUBLISHED, actor)


def on_withdrawn(entry, actor) -> None:
    work.task_close(source=entry, status=TaskStatus.CANCELLED, actor=actor)
    _tell_author(entry, ENTRY_WITHDRAWN, actor)


def on_deleted(entry, actor) -> None:
    work.task_close(source=entry, status=TaskStatus.CANCELLED, actor=actor)
