"""The handover pages: the prison sends the handover to the probation service on the case team
that will take the person on; the receiving agency reads the package and acknowledges it; the
sender may withdraw it (with the reason) while it waits. Responsibility — and with it access —
passes once it is acknowledged and the person released (services.handover)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.forms import apply_service

from .. import services
from ..access import (
    ReleaseAction,
    get_handover_for_user,
    get_person_for_release,
    on_receiving_side,
)
from ..forms.handover import AcknowledgeForm, HandoverForm, WithdrawForm
from ..package import handover_package
from ..services.common import settings_for


@require_http_methods(["GET", "POST"])
def handover_new(request, person_uuid):
    person, grant = get_person_for_release(request.user, person_uuid, ReleaseAction.WORK)
    live = services.live_handover(person)
    # The receiving agency acknowledges a handover; it does not send one to itself.
    receiving = services.receiving_agencies(person)
    agencies = [a for a in receiving if not on_receiving_side(request.user, person.pk, a.pk)]
    retain_days = settings_for(person.jurisdiction).retain_days
    form = HandoverForm(request.POST or None, agencies=agencies,
                        prison=person.responsible_agency, retain_days=retain_days)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        handover, status = apply_service(form, lambda: services.handover_send(
            actor=request.user, person=person, to_agency=data["to_agency"], note=data["note"],
            retain_days=data["retain_days"]))
        if handover:
            messages.success(request, _("Handover sent to %(agency)s. They are asked to "
                                        "acknowledge it.") % {"agency": handover.to_agency})
            return redirect("release:handover", handover.uuid)
    return render(request, "release/handover_new.html", {
        "person": person, "grant": grant, "form": form, "agencies": agencies, "live": live,
        "receiving_side": bool(receiving) and not agencies,
        "retain_days": retain_days, "prison": person.responsible_agency}, status=status)


def _detail(request, handover, grant, *, status: int = 200, acknowledge_form=None,
            withdraw_form=None):
    version = {"version": handover.version}
    can_acknowledge = grant.can(ReleaseAction.ACKNOWLEDGE)
    can_withdraw = grant.can(ReleaseAction.WITHDRAW)
    return render(request, "release/handover.html", {
        "handover": handover, "person": handover.person, "grant": grant,
        "package": handover_package(request.user, handover.person, grant,
                                    refs=handover.package or {}),
        "can_acknowledge": can_acknowledge, "can_withdraw": can_withdraw,
        "acknowledge_form": acknowledge_form or (AcknowledgeForm(
            initial=version, auto_id="ack-%s") if can_acknowledge else None),
        "withdraw_form": withdraw_form or (WithdrawForm(
            initial=version, auto_id="withdraw-%s") if can_withdraw else None),
    }, status=status)


def handover_detail(request, handover_uuid):
    handover, grant = get_handover_for_user(request.user, handover_uuid)
    return _detail(request, handover, grant)


@require_POST
def handover_acknowledge(request, handover_uuid):
    handover, grant = get_handover_for_user(request.user, handover_uuid,
                                            ReleaseAction.ACKNOWLEDGE)
    form = AcknowledgeForm(request.POST, auto_id="ack-%s")
    done, status = (apply_service(form, lambda: services.handover_acknowledge(
        actor=request.user, handover=handover, expected_version=form.cleaned_data["version"],
        note=form.cleaned_data["note"])) if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, handover, grant, status=status, acknowledge_form=form)
    messages.success(request, _("Handover acknowledged. Responsibility has passed to your "
                                "agency.") if done.transferred_at else _(
        "Handover acknowledged. Responsibility passes to your agency when the person is "
        "released."))
    return redirect(reverse("release:handover", args=[handover.uuid]))


@require_POST
def handover_withdraw(request, handover_uuid):
    handover, grant = get_handover_for_user(request.user, handover_uuid,
                                            ReleaseAction.WITHDRAW)
    form = WithdrawForm(request.POST, auto_id="withdraw-%s")
    done, status = (apply_service(form, lambda: services.handover_withdraw(
        actor=request.user, handover=handover, expected_version=form.cleaned_data["version"],
        reason=form.cleaned_data["reason"])) if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, handover, grant, status=status, withdraw_form=form)
    messages.success(request, _("Handover withdrawn. The receiving agency is told."))
    return redirect(reverse("release:handover", args=[handover.uuid]))
