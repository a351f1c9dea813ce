"""The analyst's pages (issue 10): review a new observation (with feedback to its observer), link
observations that belong together, archive one, write analyses, share a sanitised summary with
the case team and withdraw it, export a person's security record.

Objects come through access.py with the action the page performs (404 when not visible, 403
without the right); every write is a service call whose reasons land on the form's fields (409
for a stale version). A page that shows security material says its purpose first (purpose.py);
a POST never waits on the purpose chooser, but carries the purpose remembered for the person
into the audit of its write."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core import audit
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction
from alliance.core.policy import refuse

from .. import pdf, purpose, selectors, services
from ..access import (
    ObservationAction,
    SecurityAction,
    SummaryAction,
    get_analysis_for_user,
    get_observation_for_user,
    get_person_for_security,
    get_summary_for_user,
)
from ..forms.analyst import (
    AnalysisForm,
    ArchiveForm,
    LinkDateForm,
    LinkForm,
    ReviewForm,
    ShareForm,
    WithdrawForm,
)


def _purpose(request, person):
    """The purpose chooser to answer with, or None (see the module's docstring)."""
    if request.method != "GET" and not purpose.remembered(request, person):
        return None
    return purpose.for_page(request, person)


def _form_page(request, form, *, person, title, submit, intro="", status=200):
    return render(request, "form.html", {"form": form, "person": person, "title": title,
                                         "submit": submit, "intro": intro}, status=status)


def _observed(observation) -> dict:
    return {"date": formats.date_format(timezone.localtime(observation.observed_at),
                                        "SHORT_DATE_FORMAT"),
            "ref": observation.person.reference}


# --- observations --------------------------------------------------------------------------------

@require_POST
def review(request, observation_uuid):
    observation, _grant = get_observation_for_user(request.user, observation_uuid,
                                                   ObservationAction.REVIEW)
    _purpose(request, observation.person)
    form = ReviewForm(request.POST)
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.observation_review(
            actor=request.user, observation=observation,
            expected_version=form.cleaned_data["version"],
            feedback=form.cleaned_data["feedback"]))
        if done:
            messages.success(request, _("Reviewed: the observation is fixed from now on, and "
                                        "the officer who recorded it is told it was read."))
            return redirect("observations:observation", observation.uuid)
    return _form_page(request, form, person=observation.person, status=status,
                      submit=_("Mark as reviewed"), title=_(
                          "Review the observation of %(ref)s of %(date)s") % _observed(
                          observation))


@require_http_methods(["GET", "POST"])
def link(request, observation_uuid):
    observation, _grant = get_observation_for_user(request.user, observation_uuid,
                                                   ObservationAction.LINK)
    if (chooser := _purpose(request, observation.person)) is not None:
        return chooser
    finder = LinkDateForm(request.GET or None)
    on = finder.cleaned_data["on"] if finder.is_valid() else None
    form = LinkForm(request.POST or None,
                    candidates=selectors.link_candidates(request.user, observation, on))
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.observation_link(
            actor=request.user, observation=observation, other=form.chosen("other")[0],
            note=form.cleaned_data["note"]))
        if done:
            messages.success(request, _("The observations are linked."))
            return redirect("observations:observation", observation.uuid)
    return render(request, "observations/link.html", {
        "observation": observation, "person": observation.person, "form": form,
        "finder": finder, "on": on}, status=status)


@require_POST
def unlink(request, link_uuid):
    found = selectors.link_by_uuid(link_uuid)
    if found is None:
        refuse(request.user, link_uuid, action="unlink", not_found=True,
               object_type="observations.observationlink")
    back = found.second if request.POST.get("back") == str(found.second.uuid) else found.first
    observation, _grant = get_observation_for_user(request.user, back.uuid,
                                                   ObservationAction.LINK)
    _purpose(request, observation.person)
    services.observation_unlink(actor=request.user, link=found)
    messages.success(request, _("The link was removed; both observations keep their status."))
    return redirect("observations:observation", observation.uuid)


@require_http_methods(["GET", "POST"])
def archive(request, observation_uuid):
    observation, _grant = get_observation_for_user(request.user, observation_uuid,
                                                   ObservationAction.ARCHIVE)
    if (chooser := _purpose(request, observation.person)) is not None:
        return chooser
    form = ArchiveForm(request.POST or None, initial={"version": observation.version})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.observation_archive(
            actor=request.user, observation=observation,
            expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]))
        if done:
            messages.success(request, _("Archived. The observation stays readable, marked "
                                        "archived, with your reason."))
            return redirect("observations:observation", observation.uuid)
    return _form_page(request, form, person=observation.person, status=status,
                      submit=_("Archive"), title=_(
                          "Archive the observation of %(ref)s of %(date)s") % _observed(
                          observation),
                      intro=_("An archived observation is no longer current: it cannot be "
                              "linked or shared any more."))


# --- analyses ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def analysis_add(request, person_uuid):
    person, _security = get_person_for_security(request.user, person_uuid,
                                                SecurityAction.ANALYSE)
    if (chooser := _purpose(request, person)) is not None:
        return chooser
    form = AnalysisForm(request.POST or None,
                        observations=selectors.analysis_choices(request.user, person),
                        initial={"observations": request.GET.getlist("observation")})
    status = 200
    if form.is_valid():
        analysis, status = apply_service(form, lambda: services.analysis_save(
            actor=request.user, person=person, text=form.cleaned_data["text"],
            observations=form.chosen("observations")))
        if analysis:
            messages.success(request, _("Analysis saved. It stays with the security sector."))
            return redirect("observations:analysis", analysis.uuid)
    return _form_page(request, form, person=person, status=status, submit=_("Save"),
                      title=_("Write an analysis of %(ref)s") % {"ref": person.reference})


@require_http_methods(["GET", "POST"])
def analysis_detail(request, analysis_uuid):
    action = ObservationAction.EDIT if request.method == "POST" else ObservationAction.VIEW
    analysis, grant = get_analysis_for_user(request.user, analysis_uuid, action)
    if (chooser := _purpose(request, analysis.person)) is not None:
        return chooser
    form, status = None, 200
    if grant.can(ObservationAction.EDIT):
        form = AnalysisForm(request.POST or None, initial=AnalysisForm.initial_for(analysis),
                            observations=selectors.analysis_choices(
                                request.user, analysis.person, analysis))
    if form is not None and form.is_valid():
        saved, status = apply_service(form, lambda: services.analysis_save(
            actor=request.user, person=analysis.person, analysis=analysis,
            expected_version=form.cleaned_data["version"], text=form.cleaned_data["text"],
            observations=form.chosen("observations")))
        if saved:
            messages.success(request, _("Analysis saved."))
            return redirect("observations:analysis", analysis.uuid)
    return render(request, "observations/analysis.html", {
        **selectors.analysis_page(request.user, analysis), "analysis": analysis,
        "person": analysis.person, "form": form}, status=status)


# --- sharing -------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def share(request, person_uuid):
    person, _security = get_person_for_security(request.user, person_uuid,
                                                SecurityAction.ANALYSE)
    if (chooser := _purpose(request, person)) is not None:
        return chooser
    form = ShareForm(request.POST or None, **selectors.share_options(request.user, person),
                     initial={"observations": request.GET.getlist("observation"),
                              "analysis": request.GET.get("analysis", "")})
    status = 200
    if form.is_valid():
        shared, status = apply_service(form, lambda: services.share_create(
            actor=request.user, person=person, **form.service_kwargs()))
        if shared:
            messages.success(request, _("Summary shared until %(date)s; its recipients are "
                                        "told.") % {"date": formats.date_format(
                                            shared.expires_on, "SHORT_DATE_FORMAT")})
            return redirect("observations:summary", shared.uuid)
    return render(request, "observations/share.html", {"form": form, "person": person},
                  status=status)


@require_http_methods(["GET", "POST"])
def withdraw(request, summary_uuid):
    summary, _grant = get_summary_for_user(request.user, summary_uuid, SummaryAction.WITHDRAW)
    form = WithdrawForm(request.POST or None, initial={"version": summary.version})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.share_withdraw(
            actor=request.user, summary=summary, expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"]))
        if done:
            messages.success(request, _("Withdrawn: its recipients can no longer read it."))
            return redirect("observations:summary", summary.uuid)
    return _form_page(request, form, person=summary.person, status=status,
                      submit=_("Withdraw the summary"),
                      title=_("Withdraw the summary about %(ref)s") % {
                          "ref": summary.person.reference})


# --- export --------------------------------------------------------------------------------------

@reauthentication_required
def export(request, person_uuid):
    """The person's whole security record as a PDF (analysts only), audited as an export with
    its purpose."""
    person, security = get_person_for_security(request.user, person_uuid,
                                                SecurityAction.ANALYSE)
    if (chooser := _purpose(request, person)) is not None:
        return chooser
    data = selectors.export_data(request.user, person)
    try:
        content = pdf.security_record_pdf({**data, "person": person, "exported_by": request.user,
                                           "purpose": purpose.stated()})
    except pdf.PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return redirect("observations:person_record", person.uuid)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT, obj=person,
                    agency=security.agency, details={
                        "format": "pdf", "observations": len(data["entries"]),
                        "analyses": len(data["analyses"]), "summaries": len(data["summaries"])})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="security-{person.reference}-{timezone.localdate():%Y%m%d}.pdf"')
    return response
