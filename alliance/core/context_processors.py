from django.conf import settings


def alliance(request):
    profile = None
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from alliance.accounts.access import profile_for

        profile = profile_for(request.user)
    return {"DEMO": settings.DEMO, "profile": profile}
