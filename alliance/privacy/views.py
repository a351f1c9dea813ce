"""The DPO's pages: find a person, preview and download the subject access export, restrict and
lift; and the one page every user meets, stating the purpose of opening a restricted record."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core import audit
from alliance.core import purpose as purposes
from alliance.core.forms import apply_service
from alliance.people import restriction

from . import access, export, pdf, services
from .access import Action
from .forms import FindForm, LiftForm, PurposeForm, RestrictForm, SubjectAccessForm


def _require_dpo(request):
    if not access.can_use_privacy(request.user):
        raise PermissionDenied(_("Only a data protection officer can use these pages."))


def find(request):
    _require_dpo(request)
    form = FindForm(request.GET or None)
    not_found = False
    if form.is_valid():
        person = access.find_subject(request.user, form.cleaned_data["reference"])
        if person is not None:
            return redirect("privacy:person", person.uuid)
        not_found = True
    return render(request, "privacy/find.html", {"form": form, "not_found": not_found})


def person(request, person_uuid):
    """What is held about the person (counts and what is withheld), the export form, and the
    restriction."""
    _require_dpo(request)
    subject, _grant = access.get_subject_for_user(request.user, person_uuid, Action.VIEW)
    return _person_page(request, subject, SubjectAccessForm())


def _person_page(request, subject, form, status=200):
    preview = export.summary(export.collect(subject))
    audit.consulted(actor=request.user, obj=subject, details={"subject_access_preview": True})
    return render(request, "privacy/person.html", {
        "subject": subject, "preview": preview, "form": form,
        "restriction": restriction.active_restriction(subject),
        "history": subject.restrictions.select_related(None).all(),
        "restrict_form": RestrictForm(), "lift_form": LiftForm(),
        "grounds": export.Ground.CHOICES}, status=status)


@require_POST
@reauthentication_required
def download(request, person_uuid):
    _require_dpo(request)
    subject, _grant = access.get_subject_for_user(request.user, person_uuid, Action.EXPORT)
    form = SubjectAccessForm(request.POST)
    if not form.is_valid():
        return _person_page(request, subject, form, status=400)
    fmt = form.cleaned_data["format"]
    try:
        # The file is made in the transaction of its disclosure: no log without a file.
        with transaction.atomic():
            data = services.subject_access_export(actor=request.user, person=subject,
                                                  choices=form.choices(), fmt=fmt)
            if fmt == "pdf":
                content, mime = pdf.subject_access_pdf(data), "application/pdf"
            else:
                content = json.dumps(data, ensure_ascii=False, indent=2).encode()
                mime = "application/json"
    except pdf.PdfUnavailable as exc:
        form.add_error("format", str(exc))
        return _person_page(request, subject, form, status=503)
    response = HttpResponse(content, content_type=mime)
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{subject.reference}-{stamp}.{fmt}"')
    return response


@require_POST
def restrict(request, person_uuid):
    _require_dpo(request)
    subject, _grant = access.get_subject_for_user(request.user, person_uuid, Action.RESTRICT)
    form = RestrictForm(request.POST)
    if form.is_valid():
        done, _status = apply_service(form, lambda: restriction.restriction_set(
            actor=request.user, person=subject, **form.cleaned_data))
        if done:
            messages.success(request, _("The record of %(ref)s is restricted.") % {
                "ref": subject.reference})
            return redirect("privacy:person", subject.uuid)
    return _restriction_error(request, subject, form)


@require_POST
def lift(request, person_uuid):
    _require_dpo(request)
    subject, _grant = access.get_subject_for_user(request.user, person_uuid, Action.RESTRICT)
    form = LiftForm(request.POST)
    if form.is_valid():
        done, _status = apply_service(form, lambda: restriction.restriction_lift(
            actor=request.user, person=subject, note=form.cleaned_data["lift_note"]))
        if done:
            messages.success(request, _("The restriction of %(ref)s is lifted.") % {
                "ref": subject.reference})
            return redirect("privacy:person", subject.uuid)
    return _restriction_error(request, subject, form)


def _restriction_error(request, subject, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("privacy:person", subject.uuid)


@require_http_methods(["POST"])
def state_purpose(request, person_uuid):
    """Remember why the user opens a restricted person's record (core/purpose.py), for the
    rest of the shift, and go back to the page they asked for. Nothing is shown here; the pages
    that follow check access and log the purpose."""
    form = PurposeForm(request.POST)
    if not form.is_valid():
        raise Http404
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    purpose = purposes.normalise(form.cleaned_data["purpose"],
                                 form.cleaned_data["purpose_other"])
    if form.cleaned_data["purpose"] not in purposes.CODES or not purpose:
        messages.error(request, _("Choose a purpose; for “other”, say which."))
        return redirect(target)
    purposes.remember(request, person_uuid, purpose)
    return redirect(target)
