"""What referrals add to the person page: the section of the person's referrals that the reader
sees, and the timeline entries (people/sections.py, people/timeline.py). Timeline parameters
are the kind's code and the receiving agency's name, never the referral's text."""

from django.utils.translation import gettext_lazy as _

from alliance.core.compartments import DataCategory
from alliance.people import timeline
from alliance.people.sections import PersonSection, register

from ..models import ReferralKind
from .selectors import referrals_section

TIMELINE = {
    "referral_sent": _("Referred to %(agency)s for %(referral_kind)s"),
    "referral_accepted": _("%(agency)s accepted the referral for %(referral_kind)s"),
    "referral_declined": _("%(agency)s declined the referral for %(referral_kind)s"),
    "referral_completed": _("%(agency)s completed the referral for %(referral_kind)s"),
    "referral_withdrawn": _("The referral to %(agency)s for %(referral_kind)s was withdrawn"),
}


def _kind(params: dict, cache: dict) -> str:
    code = params.get("referral_kind", "")
    labels = dict(ReferralKind.choices)
    return str(labels.get(code, code)).lower() if code in labels else code


def register_sections() -> None:
    for kind, sentence in TIMELINE.items():
        timeline.register_kind(kind, sentence)
    timeline.register_param("referral_kind", _kind)
    register(PersonSection(key="referrals", template="coordination/referrals/section.html",
                           context=referrals_section, order=58, column="main",
                           compartment=DataCategory.CASE_TEAM))
