from django.conf import settings

from alliance.accounts.access import can_administer, profile_for
from alliance.coordination.agreements.access import can_read_agreements
from alliance.coordination.referrals.access import can_use_referrals
from alliance.knowledge.entries.access import can_use_knowledge
from alliance.knowledge.training.access import can_use_training
from alliance.monitoring.selectors import start_url as monitoring_start
from alliance.observations.access import can_record_anywhere, can_use_security_pages
from alliance.people.access import can_have_caseload, can_view_aggregates
from alliance.people.restriction import banner as restriction_banner
from alliance.plans.access import can_see_alliance_trends
from alliance.retention.access import can_use_retention

from .audit_trail import can_read_audit


def alliance(request):
    """The demo switch, the user's access profile, and which menu entries they may use — each
    from the very function its page checks, so a menu entry never leads to a 403."""
    profile, nav = None, {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = profile_for(user)
        nav = {
            "caseload": can_have_caseload(user),
            "assessments": can_have_caseload(user),  # the worklist's require_caseload
            "sessions_today": can_have_caseload(user),  # plans' worklists: require_caseload
            "not_engaging": can_have_caseload(user),
            "alliance_trends": can_see_alliance_trends(user),
            "training": can_use_training(user),  # staff training, sessions
            "knowledge": can_use_knowledge(user),  # the knowledge base; "My training"
            "security": can_use_security_pages(user),
            "shared": can_have_caseload(user),  # the page's require_caseload
            "my_observations": can_record_anywhere(user),
            "referrals": can_use_referrals(user),
            "agreements": can_read_agreements(user),
            "overview": can_view_aggregates(user),
            # monitoring.access.sees_any, as the address its entry opens ("" : no entry)
            "monitoring": monitoring_start(user),
            "audit": can_read_audit(user),
            "privacy": profile.is_dpo,  # privacy.access.can_use_privacy
            "retention": can_use_retention(user),
            "administration": can_administer(user),
        }
    # The restricted people this page shows (noted by core.policy.get_for_user): the banner.
    return {"DEMO": settings.DEMO, "profile": profile, "nav": nav,
            "restricted_people": restriction_banner()}
