"""The person's release page (the programme, the handover, the support plan, the follow-ups),
recording the release, and the release plan's PDF. The person comes only through
get_person_for_release: 404 for a person the reader does not see, 403 without the case team's
share."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from alliance.core.forms import apply_service
from alliance.people.access import Action, person_grant, refuse

from .. import selectors, services
from ..access import get_person_for_release
from ..forms.person import ReleaseRecordForm
from ..models import HandoverStatus
from ..pdf import render_release_plan


@require_GET
def person_release(request, person_uuid):
    person, release = get_person_for_release(request.user, person_uuid)
    context = selectors.person_page(request.user, person, person_grant(request.user, person))
    return render(request, "release/person.html", {"person": person, "grant": release,
                                                   **context})


@require_http_methods(["GET", "POST"])
def release_record(request, person_uuid):
    """Record the release: the custody episode ends, the follow-ups are scheduled and
    responsibility passes if the handover was acknowledged. The people app's MANAGE_CUSTODY
    rule decides who may (the record keepers of the prison)."""
    person, _release = get_person_for_release(request.user, person_uuid)
    if not person_grant(request.user, person).can(Action.MANAGE_CUSTODY):
        refuse(request.user, person_uuid, person=person, action=Action.MANAGE_CUSTODY,
               not_found=False, object_type="people.person")
    episode = selectors.episode_of(person)
    if episode is None or not episode.is_current:
        messages.error(request, _("%(reference)s is not in custody.") % {
            "reference": person.reference})
        return redirect("release:person", person.uuid)
    form = ReleaseRecordForm(request.POST or None, initial={"version": episode.version})
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        ended, status = apply_service(form, lambda: services.release_record(
            actor=request.user, person=person, released_on=data["released_on"],
            release_type=data["release_type"], expected_version=data["version"]))
        if ended:
            person.refresh_from_db(fields=["responsible_agency"])
            follow_ups = selectors.follow_ups_scheduled(ended)
            text = [_("The release of %(reference)s is recorded.") % {
                "reference": person.reference}]
            if follow_ups:
                text.append(ngettext("%(n)d follow-up contact is scheduled.",
                                     "%(n)d follow-up contacts are scheduled.", follow_ups)
                            % {"n": follow_ups})
            if person.responsible_agency_id != ended.facility_id:
                text.append(_("Responsibility has passed to %(agency)s.") % {
                    "agency": person.responsible_agency.name})
            messages.success(request, " ".join(text))
            return redirect("release:person", person.uuid)
    intro = _("Custody at %(facility)s ends on this date. After a release at the end of "
              "the sentence or under supervision, the follow-up contacts are scheduled. If "
              "the receiving agency has acknowledged the handover, responsibility for the "
              "person passes to it and the prison keeps read access for a while.") % {
        "facility": episode.facility.name}
    handover = services.live_handover(person)
    if handover is None or handover.status != HandoverStatus.ACKNOWLEDGED:
        intro += " " + _("No handover has been acknowledged yet: the prison stays responsible "
                         "for the person until one is.")
    return render(request, "form.html", {
        "form": form, "person": person, "status": status, "submit": _("Record the release"),
        "title": _("Record the release of %(reference)s") % {"reference": person.reference},
        "intro": intro}, status=status)


@require_GET
@reauthentication_required
def release_pdf(request, person_uuid):
    person, release = get_person_for_release(request.user, person_uuid)
    return render_release_plan(request, person, release)
