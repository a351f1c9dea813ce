"""The release worklist across people (`/release/`): releases coming up by facility with their
readiness, overdue pre-release steps, follow-ups due, handovers waiting (worklists.py)."""

from django.shortcuts import render

from alliance.people.access import require_caseload

from ..worklists import TABS, release_worklist


def worklist(request):
    require_caseload(request.user)
    page = release_worklist(request.user, tab=request.GET.get("tab", TABS[0]),
                            facility=request.GET.get("facility", ""),
                            page_number=request.GET.get("page"))
    return render(request, "release/worklist.html", {"worklist": page, "tabs": TABS})
