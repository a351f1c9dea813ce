"""Who reads and changes information-sharing agreements, and who reads the disclosure log (the
core/policy.py shape: one rule for the list filter and the object check).

Agreements are configuration of the data protection regime, not case content:

* **Reach**: a data protection officer's or a system administrator's grant reaches the
  agreements with a party in that grant's jurisdiction; a grant at an agency with no
  jurisdiction (the regional programme's, or the system level) reaches them all.
* **DPO**: views, drafts and edits, signs, terminates, marks reviewed, and sees the references
  of the people who rely on an agreement.
* **System administrator**: views, drafts and edits, marks reviewed; sees how many people rely
  on an agreement, never who (administrators see no case content). Signing and terminating are
  the DPO's legal acts.
* **Edit**: a draft, everything; a signed agreement, only the review date, an extension of
  `valid_until`, the retention and the parties' categories; a terminated one, nothing.

The disclosure log (people.Disclosure) is the DPO's alone: the disclosures about the people of
their jurisdictions or from or to an agency of their jurisdictions; system level, all.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alliance.accounts.access import profile_for
from alliance.accounts.models import Role
from alliance.core.policy import NO_GRANT, Grant, get_for_user
from alliance.organisations.models import AgreementParty, AgreementStatus, SharingAgreement
from alliance.people.models import Disclosure


class AgreementAction:
    VIEW = "view"
    EDIT = "edit"
    SIGN = "sign"
    TERMINATE = "terminate"
    REVIEW = "review"  # mark reviewed: a new review date
    SEE_PEOPLE = "see_people"  # the references of the people relying on it (the DPO)


@dataclass(frozen=True)
class Reach:
    """The jurisdictions a user's DPO or administrator grants reach (`everywhere`: system
    level), and under which of the two roles."""

    jurisdictions: frozenset[int]
    everywhere: bool

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.jurisdictions)

    def covers(self, jurisdiction_ids) -> bool:
        return self.everywhere or bool(self.jurisdictions & set(jurisdiction_ids))


NOWHERE = Reach(frozenset(), False)


def _reach(user, *roles: str) -> Reach:
    if not user.is_authenticated or not user.is_active:
        return NOWHERE
    profile = profile_for(user)
    grants = profile.grants_with(*roles)
    if Role.SYSTEM_ADMINISTRATOR in roles and user.is_superuser and not grants:
        return Reach(frozenset(), True)
    return Reach(frozenset(g.jurisdiction_id for g in grants if g.jurisdiction_id),
                 any(not g.jurisdiction_id for g in grants))


def dpo_reach(user) -> Reach:
    return _reach(user, Role.DATA_PROTECTION_OFFICER)


def admin_reach(user) -> Reach:
    return _reach(user, Role.SYSTEM_ADMINISTRATOR)


def agreement_reach(user) -> Reach:
    """Where the user's DPO and administrator grants reach, together."""
    return _reach(user, Role.DATA_PROTECTION_OFFICER, Role.SYSTEM_ADMINISTRATOR)


def can_read_agreements(user) -> bool:
    """Data protection officers and system administrators (the nav's link)."""
    return bool(agreement_reach(user))


def can_edit_agreements(user) -> bool:
    """Who may draft an agreement: a DPO or a system administrator."""
    return bool(agreement_reach(user))


def can_read_disclosures(user) -> bool:
    """The disclosure log is the data protection officer's."""
    return bool(dpo_reach(user))


def _with_party_in(reach: Reach) -> Q:
    if reach.everywhere:
        return Q()
    return Q(pk__in=AgreementParty.objects.filter(
        agency__jurisdiction_id__in=sorted(reach.jurisdictions)).values("agreement_id"))


def party_jurisdictions(agreement) -> set:
    """The jurisdictions of an agreement's parties (None for a regional party)."""
    return {p.agency.jurisdiction_id for p in agreement.parties.all()}


def editable_fields(agreement) -> set[str] | None:
    """What may still change on an agreement: None for everything (a draft)."""
    if agreement.status == AgreementStatus.DRAFT:
        return None
    if agreement.status == AgreementStatus.IN_FORCE:
        return {"review_due", "valid_until", "retention", "categories"}
    return set()


class AgreementPolicy:
    object_type = "organisations.sharingagreement"

    def visible(self, user) -> QuerySet[SharingAgreement]:
        """The agreements with a party where the user's DPO or administrator grants reach."""
        reach = agreement_reach(user)
        if not reach:
            return SharingAgreement.objects.none()
        return SharingAgreement.objects.filter(_with_party_in(reach))

    def grant(self, user, agreement) -> Grant:
        jurisdictions = party_jurisdictions(agreement)
        dpo = dpo_reach(user).covers(jurisdictions)
        admin = admin_reach(user).covers(jurisdictions)
        if not (dpo or admin):
            return NO_GRANT
        actions = {AgreementAction.VIEW}
        if editable_fields(agreement) != set():
            actions.add(AgreementAction.EDIT)
        if agreement.status == AgreementStatus.IN_FORCE:
            actions.add(AgreementAction.REVIEW)
        if dpo:
            actions.add(AgreementAction.SEE_PEOPLE)
            if agreement.status == AgreementStatus.DRAFT:
                actions.add(AgreementAction.SIGN)
            if agreement.status == AgreementStatus.IN_FORCE:
                actions.add(AgreementAction.TERMINATE)
        return Grant(actions=frozenset(actions))

    def person_of(self, agreement):
        return None


agreements = AgreementPolicy()


def agreements_visible_to(user) -> QuerySet[SharingAgreement]:
    return agreements.visible(user)


def get_agreement_for_user(user, agreement_uuid, action: str = AgreementAction.VIEW
                           ) -> tuple[SharingAgreement, Grant]:
    """The agreement and the user's grant, if visible (else 404) and the action allowed (else
    403); refusals are audited by core.policy."""
    return get_for_user(
        agreements, user, agreement_uuid, action,
        queryset=SharingAgreement.objects.prefetch_related("parties__agency__jurisdiction")
        .select_related("created_by", "signed_by", "terminated_by"),
        not_found_message=_("No such agreement, or not one you may see."),
        forbidden_message=_("You may see this agreement but not do that."))


def disclosures_visible_to(user) -> QuerySet[Disclosure]:
    """The disclosures a DPO reads: about the people of their jurisdictions, or from or to an
    agency of their jurisdictions; a DPO at system level, all."""
    reach = dpo_reach(user)
    if not reach:
        return Disclosure.objects.none()
    if reach.everywhere:
        return Disclosure.objects.all()
    ids = sorted(reach.jurisdictions)
    return Disclosure.objects.filter(Q(person__jurisdiction_id__in=ids)
                                     | Q(from_agency__jurisdiction_id__in=ids)
                                     | Q(recipient_agency__jurisdiction_id__in=ids))

