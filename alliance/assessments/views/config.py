"""Configuration pages, not person-level: the published instruments and loading one (a system
administrator). The accreditation overview is the knowledge app's "Staff training"
(knowledge/training/)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.accounts.access import can_administer, profile_for
from alliance.core.i18n import current_language

from .. import selectors, services
from ..forms import InstrumentUploadForm
from ..instruments import InstrumentDefinitionError


def instruments(request):
    if not (can_administer(request.user) or profile_for(request.user).roles):
        raise PermissionDenied
    versions = selectors.instrument_versions()
    for v in versions:
        v.display_name = v.parsed.name.get(current_language())
    return render(request, "assessments/instruments.html", {
        "versions": versions, "can_load": can_administer(request.user)})


@require_http_methods(["GET", "POST"])
@reauthentication_required
def instrument_load(request):
    if not can_administer(request.user):
        raise PermissionDenied(_("Only a system administrator loads instruments."))
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8")
            loaded = services.instrument_load(actor=request.user, text=text,
                                              filename=upload.name)
        except UnicodeDecodeError:
            errors, status = [_("The file is not UTF-8 text.")], 400
        except InstrumentDefinitionError as exc:
            errors, status = exc.errors, 400
        else:
            messages.success(request, loaded.message())
            return redirect("assessments:instruments")
    return render(request, "assessments/instrument_load.html", {"form": form, "errors": errors},
                  status=status)
