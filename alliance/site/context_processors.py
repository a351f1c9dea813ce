from django.conf import settings


def alliance(request):
    """The demo switch, the user's access profile, and which menu entries they may use — taken
    from the same access functions the pages check, so the menu cannot promise a 403."""
    profile, nav = None, {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from alliance.accounts.access import can_administer, profile_for
        from alliance.assessments.access import COUNTERSIGN_ROLES
        from alliance.people.access import can_have_caseload, can_view_aggregates
        from alliance.site.audit_trail import can_read_audit

        profile = profile_for(user)
        nav = {
            "caseload": can_have_caseload(user),
            "assessments": profile.has_role("treatment_officer", *COUNTERSIGN_ROLES),
            "accreditation": profile.has_role(*COUNTERSIGN_ROLES),
            "overview": can_view_aggregates(user),
            "audit": can_read_audit(user),
            "administration": can_administer(user),
        }
    return {"DEMO": settings.DEMO, "profile": profile, "nav": nav}
