from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.core.forms import apply_service

from . import access, sections, selectors, services
from .access import Action
from .forms import (
    CaseloadFilterForm,
    ClassificationForm,
    CustodyEpisodeForm,
    KeyDateClearForm,
    KeyDateOverrideForm,
    PersonCreateForm,
    PersonEditForm,
)
from .models import COMPUTED_KEY_DATES, KeyDate


def caseload(request):
    form = CaseloadFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = selectors.CaseloadFilters(q=data.get("q", ""),
                                        classification=data.get("classification", ""),
                                        category=data.get("category", ""))
    page, rows = selectors.caseload_page(request.user, filters, request.GET.get("page"))
    context = {"form": form, "page": page, "rows": rows,
               "can_create": access.can_create_person(request.user),
               "querystring": request.GET.copy()}
    context["querystring"].pop("page", None)
    template = ("people/_caseload_table.html" if request.headers.get("HX-Request")
                else "people/caseload.html")
    return render(request, template, context)


def person_detail(request, person_uuid):
    person, grant = access.get_person_for_user(request.user, person_uuid, Action.VIEW)
    # Each module contributes its section from its own apps.py (people/sections.py).
    return render(request, "people/person_detail.html", {
        "person": person, "grant": grant,
        "sections": sections.render_sections(request, person, grant)})


def _form_page(request, form, *, title, person=None, status=200, submit=None, intro=""):
    return render(request, "form.html", {"form": form, "title": title, "person": person,
                                         "submit": submit or _("Save"), "intro": intro},
                  status=status)


@require_http_methods(["GET", "POST"])
def person_create(request):
    agencies = access.creatable_agencies(request.user)
    if not agencies:
        raise PermissionDenied(_("You cannot register people."))
    form = PersonCreateForm(request.POST or None, agencies=agencies)
    status = 200
    if form.is_valid():
        person, status = apply_service(form, lambda: services.person_create(
            actor=request.user, **form.cleaned_data))
        if person:
            messages.success(request, _("Registered as %(ref)s.") % {"ref": person.reference})
            return redirect("people:detail", person.uuid)
    return _form_page(request, form, title=_("Register a person"), status=status, intro=_(
        "The person will be known everywhere by a new reference; names and identifiers are "
        "stored encrypted and shown only to staff who need them."))


@require_http_methods(["GET", "POST"])
def person_edit(request, person_uuid):
    person, _grant = access.get_person_for_user(request.user, person_uuid, Action.EDIT)
    initial = {f: getattr(person, f) for f in services.IDENTITY_FIELDS}
    initial.update(data_subject_category=person.data_subject_category,
                   responsible_agency=person.responsible_agency_id, version=person.version)
    form = PersonEditForm(request.POST or None, person=person, initial=initial)
    status = 200
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        done, status = apply_service(form, lambda: services.person_update(
            actor=request.user, person=person, expected_version=version, **data))
        if done:
            messages.success(request, _("Details saved."))
            return redirect("people:detail", person.uuid)
    return _form_page(request, form, title=_("Edit details of %(ref)s") % {
        "ref": person.reference}, person=person, status=status)


@require_http_methods(["GET", "POST"])
def person_classify(request, person_uuid):
    person, _grant = access.get_person_for_user(request.user, person_uuid, Action.CLASSIFY)
    form = ClassificationForm(request.POST or None, initial={
        "classification": person.classification, "version": person.version})
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.person_classify(
            actor=request.user, person=person, classification=form.cleaned_data["classification"],
            reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]))
        if done:
            messages.success(request, _("Classification changed."))
            return redirect("people:detail", person.uuid)
    return _form_page(request, form, title=_("Change the classification of %(ref)s") % {
        "ref": person.reference}, person=person, status=status)


@require_http_methods(["GET", "POST"])
def custody_create(request, person_uuid):
    person, _grant = access.get_person_for_user(request.user, person_uuid,
                                                 Action.MANAGE_CUSTODY)
    form = CustodyEpisodeForm(request.POST or None, person=person)
    status = 200
    if form.is_valid():
        data = form.service_fields()
        done, status = apply_service(form, lambda: services.custody_episode_create(
            actor=request.user, person=person, **data))
        if done:
            messages.success(request, _("Custody episode recorded."))
            return redirect("people:detail", person.uuid)
    return _form_page(request, form, title=_("Record admission of %(ref)s") % {
        "ref": person.reference}, person=person, status=status, intro=_(
        "If the person is in custody elsewhere, that episode ends as a transfer."))


@require_http_methods(["GET", "POST"])
def custody_edit(request, episode_uuid):
    episode, _grant = access.get_custody_episode_for_user(request.user, episode_uuid)
    fields = [f for f in CustodyEpisodeForm.base_fields if f != "version"]
    initial = {f: getattr(episode, f) for f in fields}
    initial.update(facility=episode.facility_id, unit=episode.unit_id, version=episode.version)
    form = CustodyEpisodeForm(request.POST or None, person=episode.person, editing=True,
                              initial=initial)
    status = 200
    if form.is_valid():
        data = form.service_fields()
        done, status = apply_service(form, lambda: services.custody_episode_update(
            actor=request.user, episode=episode, expected_version=form.cleaned_data["version"],
            **data))
        if done:
            messages.success(request, _("Custody episode saved; key dates recalculated."))
            return redirect("people:detail", episode.person.uuid)
    return _form_page(request, form, title=_("Custody episode of %(ref)s") % {
        "ref": episode.person.reference}, person=episode.person, status=status)


@require_http_methods(["GET", "POST"])
def key_date_override(request, episode_uuid, key_date):
    episode, _grant = access.get_custody_episode_for_user(request.user, episode_uuid)
    if key_date not in {kd.value for kd in COMPUTED_KEY_DATES}:
        raise PermissionDenied(_("This key date comes from a judgment or record; edit the "
                                 "custody episode instead."))
    label = KeyDate(key_date).label
    clearing = request.GET.get("clear") == "1" or "clear" in request.POST
    form_class = KeyDateClearForm if clearing else KeyDateOverrideForm
    form = form_class(request.POST or None, initial={"version": episode.version,
                                                     "value": getattr(episode, key_date)})
    status = 200
    if form.is_valid():
        kwargs = {"actor": request.user, "episode": episode, "key_date": key_date,
                  "reason": form.cleaned_data["reason"],
                  "expected_version": form.cleaned_data["version"]}
        if clearing:
            call = lambda: services.key_date_clear_override(**kwargs)  # noqa: E731
        else:
            call = lambda: services.key_date_override(value=form.cleaned_data["value"], **kwargs)  # noqa: E731
        done, status = apply_service(form, call)
        if done:
            messages.success(request, _("%(label)s saved.") % {"label": label})
            return redirect("people:detail", episode.person.uuid)
    title = (_("Remove the manual %(label)s") if clearing else _("Set %(label)s manually")) % {
        "label": label.lower()}
    return render(request, "people/key_date_form.html", {
        "form": form, "title": title, "person": episode.person, "episode": episode,
        "clearing": clearing, "label": label}, status=status)
