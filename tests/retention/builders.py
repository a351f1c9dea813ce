"""Builders of the retention tests: person A released long ago, and a review item for them."""

import datetime

from alliance.people.models import CustodyEpisode
from alliance.retention.models import RetentionCategory, ReviewItem


def release(w, ended_on: datetime.date) -> None:
    """Person A's custody ended on `ended_on` (as an import of an old record would leave it)."""
    CustodyEpisode.objects.filter(pk=w.episode_a.pk).update(is_current=False, ended_on=ended_on)


def review_item(w, category=RetentionCategory.IDENTITY, person=None, due_since=None):
    """An open review item (built once per world and category)."""
    name = f"review_{category}_{(person or w.person_a).pk}"
    if not hasattr(w, name):
        setattr(w, name, ReviewItem.objects.create(
            person=person or w.person_a, category=category,
            due_since=due_since or datetime.date(2025, 1, 1)))
    return getattr(w, name)
