"""Fixtures of the plans module, built by builders.py on the suite's `world`:
`planning` (instruments, a countersigned assessment of person A, a catalogue), `current_plan`
(a countersigned plan of person A) and `enrolled` (an enrolment with five sessions)."""

import pytest

from . import builders


@pytest.fixture
def planning(world):
    return builders.ensure_planning(world)


@pytest.fixture
def current_plan(planning):
    builders.current_plan(planning)
    return planning


@pytest.fixture
def enrolled(planning):
    builders.enrolment(planning)
    return planning
