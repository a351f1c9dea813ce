"""The referral pages: the two inboxes, the response-time figures, a new referral from the person
page, the referral with the actions the reader may take as small forms, and editing a draft.
Each view fetches through access, calls a service and renders (services.py decides)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.models import NON_CASEWORK_ROLES, Membership
from alliance.core.forms import apply_service
from alliance.core.policy import refuse
from alliance.organisations.models import Agency
from alliance.people.access import Action, get_person_for_user, person_grant, require_caseload

from ..models import ReferralStatus
from . import selectors, services
from .access import (
    RESPONDING_ROLES,
    ReferralAction,
    get_referral_for_user,
    sending_agency_ids,
)
from .forms import (
    AcceptForm,
    CompleteForm,
    DeclineForm,
    ReferralForm,
    SendForm,
    StartForm,
    WithdrawForm,
)


def referral_inbox(request):
    require_caseload(request.user)
    tab = "sent" if request.GET.get("tab") == "sent" else "received"
    context = {"tab": tab, "today": timezone.localdate()}
    if tab == "sent":
        context["page"] = selectors.inbox_sent(request.user, request.GET.get("page"))
    else:
        context.update(selectors.inbox_received(request.user))
    return render(request, "coordination/referrals/inbox.html", context)


def referral_figures(request):
    require_caseload(request.user)
    return render(request, "coordination/referrals/figures.html",
                  selectors.response_figures(request.user))


def _agencies(person, from_agency_id) -> list:
    """The agencies a referral of `person` may go to: those of their jurisdiction that take
    referrals (the service refuses, with the reason, one no agreement covers)."""
    return [a for a in Agency.objects.filter(
        is_active=True, jurisdiction_id=person.jurisdiction_id,
        type__in=sorted(RESPONDING_ROLES)).order_by("name") if a.pk != from_agency_id]


def _form_values(form) -> dict:
    data = form.cleaned_data
    return {"to_agency": data["to_agency"], "kind": data["kind"], "reason": data["reason"],
            "scopes": data["scopes"], "results": form.result_lines(),
            "respond_by": data["respond_by"]}


@require_http_methods(["GET", "POST"])
def referral_new(request, person_uuid):
    person, _grant = get_person_for_user(request.user, person_uuid)
    from_agencies = sending_agency_ids(request.user, person)
    if not from_agencies:
        refuse(request.user, person.uuid, action="refer", not_found=False, person=person,
               object_type="people.person",
               message=_("You may not refer this person: refer from an agency responsible for "
                         "them or on their case team."))
    form = ReferralForm(request.POST or None, agencies=_agencies(person, from_agencies[0]))
    status = 200
    if request.method == "POST" and form.is_valid():
        send = "send" in request.POST
        referral, status = apply_service(form, lambda: services.referral_create(
            actor=request.user, person=person, send=send, **_form_values(form)))
        if referral:
            messages.success(request, _("Referral sent to %(agency)s.") % {
                "agency": referral.to_agency.name} if send else _(
                "Draft saved. Send it when it is ready."))
            return redirect("coordination:referral_detail", referral.uuid)
    may_send = person_grant(request.user, person).can(Action.MANAGE_CASE)
    return render(request, "coordination/referrals/form.html", {
        "person": person, "form": form, "referral": None, "may_send": may_send},
        status=status)


@require_http_methods(["GET", "POST"])
def referral_edit(request, referral_uuid):
    referral, grant = get_referral_for_user(request.user, referral_uuid, ReferralAction.EDIT)
    initial = {"to_agency": str(referral.to_agency.uuid), "kind": referral.kind,
               "reason": referral.reason, "scopes": referral.scopes,
               "results": "\n".join(r.description for r in referral.results.all()),
               "respond_by": referral.respond_by, "version": referral.version}
    form = ReferralForm(request.POST or None, initial=initial,
                        agencies=_agencies(referral.person, referral.from_agency_id))
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: services.referral_update(
            actor=request.user, referral=referral, expected_version=form.cleaned_data["version"],
            **_form_values(form)))
        if done:
            messages.success(request, _("Draft saved."))
            return redirect("coordination:referral_detail", referral.uuid)
    return render(request, "coordination/referrals/form.html", {
        "person": referral.person, "form": form, "referral": referral, "may_send": False},
        status=status)


def _workers(referral) -> list:
    memberships = Membership.objects.filter(
        agency=referral.to_agency, is_active=True, user__is_active=True).select_related("user")
    return sorted((m.user for m in memberships if set(m.roles) - NON_CASEWORK_ROLES),
                  key=lambda u: (u.last_name, u.first_name, u.pk))


def _detail(request, referral, grant, *, status: int = 200, **forms):
    version = {"version": referral.version}
    results = list(referral.results.all())
    can = {action: grant.can(action) for action in (
        ReferralAction.EDIT, ReferralAction.SEND, ReferralAction.WITHDRAW,
        ReferralAction.ACCEPT, ReferralAction.DECLINE, ReferralAction.START,
        ReferralAction.COMPLETE)}

    def form(name, cls, action, **kwargs):
        if name in forms:
            return forms[name]
        return cls(initial=version, auto_id=f"{name}-%s", **kwargs) if can[action] else None

    return render(request, "coordination/referrals/detail.html", {
        "referral": referral, "grant": grant, "results": results, "can": can,
        "today": timezone.localdate(),
        # The receiving side gets no way to the person's record before it is on the team.
        "person_link": person_grant(request.user, referral.person).can(Action.VIEW),
        "send_form": form("send", SendForm, ReferralAction.SEND),
        "accept_form": form("accept", AcceptForm, ReferralAction.ACCEPT,
                            workers=_workers(referral) if can[ReferralAction.ACCEPT] else []),
        "decline_form": form("decline", DeclineForm, ReferralAction.DECLINE),
        "start_form": form("start", StartForm, ReferralAction.START),
        "complete_form": form("complete", CompleteForm, ReferralAction.COMPLETE,
                              results=results),
        "withdraw_form": form("withdraw", WithdrawForm, ReferralAction.WITHDRAW),
        "status_sent": ReferralStatus.SENT,
    }, status=status)


def referral_detail(request, referral_uuid):
    referral, grant = get_referral_for_user(request.user, referral_uuid)
    return _detail(request, referral, grant)


def _act(request, referral_uuid, action: str, name: str, make_form, call, done_message):
    """One action's POST: the form, the service, back to the referral (or the page with the
    form's errors)."""
    referral, grant = get_referral_for_user(request.user, referral_uuid, action)
    form = make_form(referral)
    done, status = (apply_service(form, lambda: call(referral, form))
                    if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, referral, grant, status=status, **{name: form})
    messages.success(request, done_message(done))
    return redirect("coordination:referral_detail", referral.uuid)


@require_POST
def referral_send(request, referral_uuid):
    return _act(request, referral_uuid, ReferralAction.SEND, "send",
                lambda r: SendForm(request.POST, auto_id="send-%s"),
                lambda r, f: services.referral_send(actor=request.user, referral=r,
                                                    expected_version=f.cleaned_data["version"]),
                lambda r: _("Referral sent to %(agency)s.") % {"agency": r.to_agency.name})


@require_POST
def referral_accept(request, referral_uuid):
    return _act(request, referral_uuid, ReferralAction.ACCEPT, "accept",
                lambda r: AcceptForm(request.POST, auto_id="accept-%s", workers=_workers(r)),
                lambda r, f: services.referral_accept(
                    actor=request.user, referral=r, worker=f.cleaned_data["worker"],
                    expected_version=f.cleaned_data["version"]),
                lambda r: _("Referral accepted: %(worker)s joined the case team.") % {
                    "worker": r.worker})


@require_POST
def referral_decline(request, referral_uuid):
    return _act(request, referral_uuid, ReferralAction.DECLINE, "decline",
                lambda r: DeclineForm(request.POST, auto_id="decline-%s"),
                lambda r, f: services.referral_decline(
                    actor=request.user, referral=r, reason=f.cleaned_data["reason"],
                    note=f.cleaned_data["note"], expected_version=f.cleaned_data["version"]),
                lambda r: _("Referral declined. %(agency)s is told.") % {
                    "agency": r.from_agency.name})


@require_POST
def referral_start(request, referral_uuid):
    return _act(request, referral_uuid, ReferralAction.START, "start",
                lambda r: StartForm(request.POST, auto_id="start-%s"),
                lambda r, f: services.referral_start(actor=request.user, referral=r,
                                                     expected_version=f.cleaned_data["version"]),
                lambda r: _("The work is in progress."))


@require_POST
def referral_complete(request, referral_uuid):
    return _act(request, referral_uuid, ReferralAction.COMPLETE, "complete",
                lambda r: CompleteForm(request.POST, auto_id="complete-%s",
                                       results=r.results.all()),
                lambda r, f: services.referral_complete(
                    actor=request.user, referral=r, outcomes=f.outcomes(),
                    note=f.cleaned_data["note"], expected_version=f.cleaned_data["version"]),
                lambda r: _("Referral completed. %(agency)s is told.") % {
                    "agency": r.from_agency.name})


@require_POST
def referral_withdraw(request, referral_uuid):
    return _act(request, referral_uuid, ReferralAction.WITHDRAW, "withdraw",
                lambda r: WithdrawForm(request.POST, auto_id="withdraw-%s"),
                lambda r, f: services.referral_withdraw(
                    actor=request.user, referral=r, reason=f.cleaned_data["reason"],
                    expected_version=f.cleaned_data["version"]),
                lambda r: _("Referral withdrawn."))
