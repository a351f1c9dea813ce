"""The engagement pages: enrolments and their sessions, recording a session, offers and
refusals, the stage of change, the working alliance, "My sessions today" and the not-engaging
worklist. Objects come through access.py, lists from the policies' visible(user) or the
selectors, writes through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from alliance.assessments import services as assessment_services
from alliance.assessments.instruments import UNKNOWN
from alliance.assessments.models import InstrumentKind
from alliance.core.forms import apply_service
from alliance.core.i18n import current_language
from alliance.core.pagination import bounded_page
from alliance.people.access import require_caseload

from .. import access, selectors, services
from ..access import (
    WorkAction,
    get_alliance_measure_for_user,
    get_enrolment_for_user,
    get_person_for_plan_work,
    get_person_for_treatment,
    get_session_for_user,
)
from ..forms.engagement import (
    STAGE_GUIDANCE,
    AllianceForm,
    EnrolForm,
    EnrolmentEndForm,
    OfferForm,
    ScheduleForm,
    SessionRecordForm,
    StageForm,
)
from ..models import Attendance, EnrolmentStatus, OfferResponse, PlanStatus, Stage

PAGE_SIZE = 25


def _page(request, rows):
    return bounded_page(rows, request.GET.get("page"), PAGE_SIZE)


def _form_page(request, form, *, title, person, submit, intro="", status=200):
    return render(request, "form.html", {"form": form, "title": title, "person": person,
                                         "submit": submit, "intro": intro}, status=status)


def _current_steps(user, person) -> list:
    """The steps of the person's current (countersigned) plan, if the user sees it."""
    plan = (access.plans.for_person(user, person).filter(status=PlanStatus.COUNTERSIGNED)
            .prefetch_related("goals__steps").first())
    return [step for goal in plan.goals.all() for step in goal.steps.all()] if plan else []


# --- enrolments ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def enrol(request, person_uuid):
    person, _work = get_person_for_plan_work(request.user, person_uuid, WorkAction.MANAGE)
    options = selectors.step_options(person)
    form = EnrolForm(request.POST or None, interventions=options["interventions"],
                     staff=options["staff"], steps=_current_steps(request.user, person))
    status = 200
    if form.is_valid():
        enrolment, status = apply_service(form, lambda: services.enrolment_create(
            actor=request.user, person=person, **form.service_kwargs()))
        if enrolment:
            messages.success(request, _("Enrolled in %(name)s. Plan the sessions now.") % {
                "name": enrolment.intervention.name})
            return redirect("plans:enrolment", enrolment.uuid)
    return _form_page(request, form, person=person, status=status, submit=_("Enrol"),
                      title=_("Enrol %(ref)s in an intervention") % {"ref": person.reference},
                      intro=_("Interventions of the catalogue of %(jurisdiction)s. The "
                              "practitioner must work with the person.") % {
                          "jurisdiction": person.jurisdiction.display_name})


def enrolment_detail(request, enrolment_uuid):
    enrolment, grant = get_enrolment_for_user(request.user, enrolment_uuid)
    stats = selectors.with_attendance(
        access.enrolments.visible(request.user).filter(pk=enrolment.pk)).get()
    rows = (access.sessions.visible(request.user).filter(enrolment=enrolment)
            .select_related("facilitator").order_by("scheduled_at", "pk"))
    page = _page(request, rows)
    can_manage = grant.can(WorkAction.MANAGE) and enrolment.status == EnrolmentStatus.ACTIVE
    return render(request, "plans/engagement/enrolment.html", {
        "enrolment": enrolment, "person": enrolment.person, "stats": stats,
        "rate": selectors.attendance_rate(stats), "page": page,
        "first_number": page.start_index(), "can_manage": can_manage,
        "schedule_form": ScheduleForm(staff=selectors.step_options(enrolment.person)["staff"])
        if can_manage else None})


@require_http_methods(["GET", "POST"])
def schedule(request, enrolment_uuid):
    enrolment, _grant = get_enrolment_for_user(request.user, enrolment_uuid, WorkAction.MANAGE)
    form = ScheduleForm(request.POST or None,
                        staff=selectors.step_options(enrolment.person)["staff"])
    status = 200
    if form.is_valid():
        created, status = apply_service(form, lambda: services.sessions_schedule(
            actor=request.user, enrolment=enrolment, **form.service_kwargs()))
        if created:
            messages.success(request, ngettext("%(n)d session planned.",
                                               "%(n)d sessions planned.", len(created)) % {
                "n": len(created)})
            return redirect("plans:enrolment", enrolment.uuid)
    return _form_page(request, form, person=enrolment.person, status=status,
                      submit=_("Plan"), title=_("Plan sessions of %(name)s") % {
                          "name": enrolment.intervention.name})


@require_http_methods(["GET", "POST"])
def enrolment_end(request, enrolment_uuid):
    enrolment, _grant = get_enrolment_for_user(request.user, enrolment_uuid, WorkAction.MANAGE)
    form = EnrolmentEndForm(request.POST or None, initial={"version": enrolment.version})
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.enrolment_end(
            actor=request.user, enrolment=enrolment, expected_version=data["version"],
            status=data["status"], ended_on=data["ended_on"], reason=data["reason"]))
        if done:
            messages.success(request, _("The enrolment has ended. Sessions still planned after "
                                        "its end were cancelled."))
            return redirect("plans:enrolment", enrolment.uuid)
    return _form_page(request, form, person=enrolment.person, status=status,
                      submit=_("End the enrolment"),
                      title=_("End %(name)s for %(ref)s") % {
                          "name": enrolment.intervention.name,
                          "ref": enrolment.person.reference},
                      intro=_("Sessions still planned after the end date are cancelled; "
                              "recorded sessions stay."))


# --- sessions ------------------------------------------------------------------------------------

def _session_page(request, session, grant, form=None, status=200):
    """The session: what was recorded (the note only for the treatment compartment), the refusal
    it recorded, and the form to record or amend it for those who may."""
    notes = grant.can(WorkAction.VIEW_NOTE)
    can_record = grant.can(WorkAction.RECORD)
    if form is None and can_record:
        form = SessionRecordForm(recorded=session.is_recorded, notes=notes, initial={
            "version": session.version, "attendance": session.attendance,
            "note": session.note if notes else "",
            "shared_summary": session.shared_summary, "concern": session.concern,
            "rupture_suspected": session.rupture_suspected})
    refusal = (access.offers.visible(request.user).filter(session=session).first()
               if session.attendance == Attendance.REFUSED else None)
    return render(request, "plans/engagement/session.html", {
        "session": session, "person": session.person, "notes": notes, "form": form,
        "refusal": refusal, "can_record": can_record}, status=status)


def session_detail(request, session_uuid):
    session, grant = get_session_for_user(request.user, session_uuid)
    return _session_page(request, session, grant)


@require_http_methods(["GET", "POST"])
def session_record(request, session_uuid):
    session, grant = get_session_for_user(request.user, session_uuid, WorkAction.RECORD)
    if request.method == "GET":
        return _session_page(request, session, grant)
    form = SessionRecordForm(request.POST, recorded=session.is_recorded,
                             notes=grant.can(WorkAction.VIEW_NOTE))
    status = 200
    if form.is_valid():
        done, status = apply_service(form, lambda: services.session_record(
            actor=request.user, session=session, expected_version=form.cleaned_data["version"],
            **form.service_kwargs()))
        if done:
            messages.success(request, _("Session recorded."))
            return redirect("plans:session", session.uuid)
    return _session_page(request, session, grant, form=form, status=status)


def person_sessions(request, person_uuid):
    person, work = get_person_for_plan_work(request.user, person_uuid)
    rows = (access.sessions.for_person(request.user, person)
            .select_related("enrolment__intervention", "facilitator")
            .order_by("-scheduled_at", "-pk"))
    return render(request, "plans/engagement/person_sessions.html", {
        "person": person, "page": _page(request, rows), "notes": work.can(WorkAction.VIEW_NOTE)})


# --- offers and refusals, the stage of change ----------------------------------------------------

@require_http_methods(["GET", "POST"])
def offers(request, person_uuid):
    action = WorkAction.MANAGE if request.method == "POST" else WorkAction.VIEW
    person, work = get_person_for_plan_work(request.user, person_uuid, action)
    form, status = None, 200
    if work.can(WorkAction.MANAGE):
        interventions = selectors.step_options(person)["interventions"]
        form = OfferForm(request.POST or None, interventions=interventions)
        if form.is_valid():
            offer, status = apply_service(form, lambda: services.offer_record(
                actor=request.user, person=person, **form.service_kwargs()))
            if offer:
                accepted = offer.response == OfferResponse.ACCEPTED
                messages.success(request, _("Offer recorded.") if accepted
                                 else _("Refusal recorded with the strategy tried next."))
                return redirect("plans:offers", person.uuid)
    rows = (access.offers.for_person(request.user, person)
            .select_related("intervention", "offered_by", "session"))
    return render(request, "plans/engagement/offers.html", {
        "person": person, "page": _page(request, rows), "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def stage(request, person_uuid):
    if request.method == "POST":
        person, work = get_person_for_treatment(request.user, person_uuid)
    else:
        person, work = get_person_for_plan_work(request.user, person_uuid)
    treatment = work.can(WorkAction.VIEW_NOTE)
    form, status = (StageForm(request.POST or None) if treatment else None), 200
    if form is not None and form.is_valid():
        entry, status = apply_service(form, lambda: services.stage_record(
            actor=request.user, person=person, **form.cleaned_data))
        if entry:
            messages.success(request, _("Stage of change recorded."))
            return redirect("plans:stage", person.uuid)
    history = list(access.stages.for_person(request.user, person)
                   .select_related("recorded_by"))
    current = history[0].stage if history else ""
    return render(request, "plans/engagement/stage.html", {
        "person": person, "history": history, "form": form, "rationale": treatment,
        "current": history[0] if history else None,
        "guidance": [{"stage": s, "label": s.label, "text": STAGE_GUIDANCE[s],
                      "current": s == current} for s in Stage]}, status=status)


# --- the working alliance ------------------------------------------------------------------------

def _alliance_version(request):
    versions = assessment_services.active_versions(InstrumentKind.ALLIANCE)
    if not versions:
        messages.error(request, _("No working-alliance instrument is loaded. Ask your "
                                  "administrator."))
    return versions[0] if versions else None


@require_http_methods(["GET", "POST"])
def alliance_record(request, person_uuid):
    person, _work = get_person_for_treatment(request.user, person_uuid)
    version = _alliance_version(request)
    if version is None:
        return redirect("people:detail", person.uuid)
    definition, lang = version.parsed, current_language()
    enrolments = selectors.person_alliance_due(person)
    initial = {"practitioner": str(request.user.uuid)}
    own = [e for e in enrolments if e.practitioner_id == request.user.pk]
    chosen = request.GET.get("enrolment") or (str(own[0].uuid) if len(own) == 1 else None)
    for e in enrolments:
        if str(e.uuid) == chosen:
            initial = {"enrolment": chosen, "practitioner": str(e.practitioner.uuid)}
    form = AllianceForm(request.POST or None, initial=initial, definition=definition,
                        language=lang, staff=selectors.step_options(person)["staff"],
                        enrolments=enrolments)
    status = 200
    if form.is_valid():
        measure, status = apply_service(form, lambda: services.alliance_record(
            actor=request.user, person=person, instrument_version=version,
            **form.service_kwargs()))
        if measure:
            messages.success(request, _("Working-alliance measure recorded."))
            return redirect("plans:alliance_measure", measure.uuid)
    return render(request, "plans/engagement/alliance_form.html", {
        "form": form, "person": person, "version": version,
        "instrument_name": definition.name.get(lang),
        "instructions": [d.description.get(lang) for d in definition.domains if d.description]},
        status=status)


def alliance_measure(request, measure_uuid):
    measure, _grant = get_alliance_measure_for_user(request.user, measure_uuid)
    definition, lang = measure.instrument_version.parsed, current_language()
    answers = []
    for item in definition.items:
        rating = measure.ratings.get(item.code)
        point = definition.scale_of(item).point(rating) if isinstance(rating, str) else None
        answers.append({"code": item.code, "text": item.text.get(lang),
                        "answer": point.label.get(lang) if point else (
                            _("No answer") if rating in (None, UNKNOWN) else rating)})
    scores = [{"code": s.code, "label": s.label.get(lang), "value": measure.scores.get(s.code),
               "advisory": s.advisory} for s in definition.subscales
              if s.code in measure.scores]
    return render(request, "plans/engagement/alliance_measure.html", {
        "measure": measure, "person": measure.person, "answers": answers, "scores": scores,
        "instrument_name": definition.name.get(lang)})


def alliance_trends(request):
    if not access.can_see_alliance_trends(request.user):
        raise PermissionDenied(_("The working alliance is for the treatment staff."))
    return render(request, "plans/engagement/alliance_trends.html", {
        "rows": selectors.practitioner_trends(request.user)})


# --- worklists -----------------------------------------------------------------------------------

def sessions_today(request):
    require_caseload(request.user)
    return render(request, "plans/engagement/sessions_today.html", {
        "sessions": selectors.sessions_today(request.user)})


def not_engaging(request):
    require_caseload(request.user)
    return render(request, "plans/engagement/not_engaging.html", {
        "rows": selectors.not_engaging(request.user), "drift_days": selectors.DRIFT_DAYS,
        "drift_missed": selectors.DRIFT_MISSED})
