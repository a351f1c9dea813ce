"""The knowledge base's personas, on top of the common world (tests/conftest.py)."""

import pytest

from alliance.accounts.models import Role

from ..factories import member


@pytest.fixture
def kb(world):
    """The world, plus: a knowledge editor (reviewer) in Jurisdiction One and one in Jurisdiction
    Two, one at the regional programme, and a trainer at Jurisdiction One's prison
    administration."""
    w = world
    w.editor_j1 = member(w.admin_hq, Role.KNOWLEDGE_EDITOR, username="editor_j1")
    w.editor_j2 = member(w.prison_other, Role.KNOWLEDGE_EDITOR, username="editor_j2")
    w.editor_regional = member(w.regional, Role.KNOWLEDGE_EDITOR, username="editor_regional")
    w.trainer = member(w.admin_hq, Role.TRAINER, username="trainer")
    return w
