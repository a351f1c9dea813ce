"""Shared set-up of the privacy tests: a DPO of the other jurisdiction, and a restricted
person A."""

from alliance.accounts.models import Role
from alliance.people import restriction

from ..factories import member


def dpo_of_j2(w):
    if not hasattr(w, "dpo_j2"):
        w.dpo_j2 = member(w.prison_other, Role.DATA_PROTECTION_OFFICER, username="dpo_j2")
    return w.dpo_j2


def restrict(w, person=None, reason="accuracy_contested", note="Contested by the person."):
    person = person or w.person_a
    made = restriction.restriction_set(actor=w.dpo, person=person, reason=reason, note=note)
    person.refresh_from_db()
    return made
