"""Fixtures of the release module (builders.py): `releasing` — person A due for release in two
months, with probation and the reintegration division on the case team, steps generated."""

import pytest

from . import builders


@pytest.fixture
def releasing(world):
    return builders.ensure_releasing(world)
