"""The person page repeats each section's main actions in a bar at the top (people/sections.py),
so that on a phone, where the columns stack, Screen and Start assessment are not thousands of
pixels down."""

import re

import pytest
from django.urls import reverse

from alliance.assessments.selectors import person_section
from alliance.people import sections

from ..conftest import login

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<nav class="person-actions[^"]*"[^>]*>(.*?)</nav>', re.S)


@pytest.fixture
def assessments_with_actions():
    """The assessments section registered with its actions template, as its apps.py does."""
    saved = dict(sections._sections)
    sections.register(
        sections.PersonSection(
            key="assessments",
            template="assessments/_person_panel.html",
            context=person_section,
            order=20,
            column="side",
            actions_template="assessments/_person_actions.html",
        )
    )
    yield
    sections._sections.clear()
    sections._sections.update(saved)


def _page(user, person) -> str:
    response = login(user).get(reverse("people:detail", args=[person.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_puts_screen_and_start_assessment_above_every_section(world, assessments_with_actions):
    html = _page(world.treatment_a, world.person_a)
    bar = BAR.search(html)
    assert bar is not None
    assert reverse("assessments:screen", args=[world.person_a.uuid]) in bar.group(1)
    assert reverse("assessments:start", args=[world.person_a.uuid]) in bar.group(1)
    assert bar.start() < html.index('id="identity-h"')  # above the first section


def test_it_offers_no_action_the_reader_may_not_take(world, assessments_with_actions):
    # The security officer of the prison sees the person but not the treatment compartment.
    bar = BAR.search(_page(world.security_a, world.person_a))
    assert bar is not None and bar.group(1) == ""  # empty: hidden by .person-actions:empty


def test_a_section_without_actions_adds_nothing_to_the_bar(world):
    saved = dict(sections._sections)
    try:
        sections._sections.clear()
        sections.register_own()
        html = _page(world.treatment_a, world.person_a)
    finally:
        sections._sections.clear()
        sections._sections.update(saved)
    assert BAR.search(html).group(1) == ""
