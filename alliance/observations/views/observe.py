"""The observer's pages (issue 10): record an observation in under a minute on a phone, correct
it until an analyst has read it, add an addendum after, and follow one's own entries ("My
observations": their status, when the analyst read them, the feedback). An observer outside the
security compartment sees their own entries here and nobody else's, anywhere."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.core import audit
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction
from alliance.core.pagination import bounded_page
from alliance.people.access import require_caseload

from .. import purpose, services
from ..access import (
    ObservationAction,
    SecurityAction,
    get_observation_to_correct,
    get_person_for_security,
    observations,
)
from ..forms.observe import AddendumForm, ObservationEditForm, RecordForm

PAGE_SIZE = 25


def _read_purpose(request, observation):
    """Its author rereads their own report; anyone else (an analyst) says why they read it."""
    if observation.recorded_by_id == request.user.pk:
        purpose.fixed(purpose.Purpose.OWN_REPORT)
        return None
    return purpose.for_page(request, observation.person)


def _recorded_message(observation) -> str:
    if observation.escalated:
        return _("Observation recorded and escalated: the case manager and the security lead "
                 "have been alerted. The security analyst will review it; “My observations” "
                 "shows when it has been read.")
    return _("Observation recorded. The security analyst will review it; “My observations” "
             "shows when it has been read.")


def _observation_page(request, template, *, observation, form, status=200, **extra):
    return render(request, template, {"observation": observation, "person": observation.person,
                                      "form": form, **extra}, status=status)


@require_http_methods(["GET", "POST"])
def record(request, person_uuid):
    person, _security = get_person_for_security(request.user, person_uuid,
                                                SecurityAction.RECORD)
    form = RecordForm(request.POST or None, person=person)
    status = 200
    if form.is_valid():
        observation, status = apply_service(form, lambda: services.observation_record(
            actor=request.user, person=person, **form.service_kwargs()))
        if observation:
            messages.success(request, _recorded_message(observation))
            return redirect("people:detail", person.uuid)
    return render(request, "observations/record.html", {
        "form": form, "person": person, "editing": False}, status=status)


@require_http_methods(["GET", "POST"])
def observation_edit(request, observation_uuid):
    observation, _grant = get_observation_to_correct(request.user, observation_uuid)
    if observation.is_reviewed and request.method == "GET":
        return redirect("observations:addendum", observation.uuid)
    if (chooser := _read_purpose(request, observation)) is not None:
        return chooser
    form = ObservationEditForm(request.POST or None, observation=observation)
    status = 200
    if form.is_valid():
        # After review the service refuses with the reason, shown with the typed text kept.
        was_escalated = observation.escalated
        saved, status = apply_service(form, lambda: services.observation_update(
            actor=request.user, observation=observation,
            expected_version=form.cleaned_data["version"], **form.service_kwargs()))
        if saved:
            messages.success(request, _recorded_message(saved) if saved.escalated
                             and not was_escalated else _("Your correction is saved."))
            return redirect("observations:mine")
    return _observation_page(request, "observations/record.html", observation=observation,
                             form=form, status=status, editing=True)


@require_http_methods(["GET", "POST"])
def addendum(request, observation_uuid):
    observation, grant = get_observation_to_correct(request.user, observation_uuid)
    if not observation.is_reviewed:
        return redirect("observations:observation_edit", observation.uuid)
    if (chooser := _read_purpose(request, observation)) is not None:
        return chooser
    form = AddendumForm(request.POST or None)
    status = 200
    if form.is_valid():
        added, status = apply_service(form, lambda: services.addendum_add(
            actor=request.user, observation=observation, text=form.cleaned_data["text"]))
        if added:
            messages.success(request, _("Addendum added. The observation keeps what was read; "
                                        "the addendum is shown with it."))
            if grant.can(ObservationAction.VIEW):
                return redirect("observations:observation", observation.uuid)
            return redirect("observations:mine")
    addenda = observation.addenda.select_related("author")
    if not grant.can(ObservationAction.VIEW):
        addenda = addenda.filter(author=request.user)  # nobody else's words, for an observer
    return _observation_page(request, "observations/addendum.html", observation=observation,
                             form=form, status=status, addenda=list(addenda),
                             indicators=list(observation.indicators.all()),
                             can_view=grant.can(ObservationAction.VIEW))


def mine(request):
    """The user's own observations, newest first, with what became of them."""
    require_caseload(request.user)
    purpose.fixed(purpose.Purpose.OWN_REPORT)
    rows = (observations.visible(request.user).filter(recorded_by=request.user)
            .select_related("person", "unit").order_by("-observed_at", "-id"))
    page = bounded_page(rows, request.GET.get("page"), PAGE_SIZE)
    audit.consulted(actor=request.user, action=AuditAction.LIST,
                    persons=[o.person for o in page.object_list],
                    details={"list": "my_observations"})
    return render(request, "observations/mine.html", {"page": page})
