"""Builders of the agreement tests, on the suite's `world` (tests/conftest.py)."""

import datetime

from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.core.compartments import DataCategory
from alliance.organisations.models import AgreementParty


def today() -> datetime.date:
    return timezone.localdate()


def on_team(w, user, agency, scopes=()):
    """`user` joins person A's case team for `agency`, with `scopes`."""
    return case_services.team_member_add(
        actor=w.manager_a, case=w.case_a, team_role="Member", scopes=list(scopes),
        membership=Membership.objects.get(user=user, agency=agency))


def cross_agency_team(w, ngo_scopes=(), probation_scopes=()):
    """The NGO worker and the probation officer on person A's case team."""
    w.ngo_place = on_team(w, w.ngo_worker, w.ngo, ngo_scopes)
    w.probation_place = on_team(w, w.probation_officer, w.probation, probation_scopes)
    return w


def receives(w, agency, categories):
    """What `agency` may receive under the world's agreement, from now on."""
    AgreementParty.objects.filter(agreement=w.agreement, agency=agency).update(
        categories=list(categories))


def all_but(*left_out) -> list[str]:
    return [c for c in DataCategory.values if c not in left_out]


def lapse(w, days_ago: int = 1):
    """The world's agreement ended `days_ago` days ago (its last day)."""
    w.agreement.valid_until = today() - datetime.timedelta(days=days_ago)
    w.agreement.review_due = w.agreement.valid_until
    w.agreement.save()


def agreement_form(w, *, parties=None, **overrides) -> dict:
    """The POST of the agreement form: prison A and the NGO by default, every category."""
    parties = parties if parties is not None else {w.prison_a: DataCategory.values,
                                                    w.ngo: DataCategory.values}
    data = {"title": "Prison A and the NGO: mentoring", "reference": "ISA-7",
            "legal_basis": "Law on the execution of sanctions, art. 12",
            "purpose": "Mentoring after release", "retention": "Until the case closes",
            "valid_from": today().isoformat(),
            "valid_until": (today() + datetime.timedelta(days=365)).isoformat(),
            "review_due": (today() + datetime.timedelta(days=180)).isoformat()}
    for agency, categories in parties.items():
        data[f"party-{agency.uuid}"] = "on"
        data[f"categories-{agency.uuid}"] = list(categories)
    data.update(overrides)
    return data
