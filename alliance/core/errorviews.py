"""Error pages that say what happened and what to do, in the user's language."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "errors/500.html", status=500)
