from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.access import can_administer, profile_for
from alliance.core.errors import Conflict
from alliance.core.forms import apply_service
from alliance.core.i18n import current_language
from alliance.people.access import require_caseload

from . import accreditation, selectors, services
from .access import (
    AssessmentAction,
    can_view_accreditation,
    countersign_agency_ids,
    get_assessment_for_user,
    get_person_for_assessment_work,
    get_screening_for_user,
)
from .forms import (
    CoAssessorForm,
    CorrectionForm,
    InstrumentUploadForm,
    ItemRatingForm,
    ReturnForm,
    ScreeningForm,
    SourceForm,
    StartAssessmentForm,
    SummaryForm,
    VersionOnlyForm,
)
from .instruments import InstrumentDefinitionError
from .models import InstrumentKind


def worklist(request):
    require_caseload(request.user)
    return render(request, "assessments/worklist.html", selectors.worklist(request.user))


@require_http_methods(["GET", "POST"])
def screening_create(request, person_uuid):
    person, _grant = get_person_for_assessment_work(request.user, person_uuid)
    versions = services.active_versions(InstrumentKind.SCREENING)
    if not versions:
        messages.error(request, _("No screening instrument is loaded. Ask your administrator."))
        return redirect("people:detail", person.uuid)
    version = versions[0]
    form = ScreeningForm(request.POST or None, definition=version.parsed, language=current_language())
    status = 200
    if form.is_valid():
        screening, status = apply_service(form, lambda: services.screening_create(
            actor=request.user, person=person, instrument_version=version,
            **form.service_kwargs()))
        if screening:
            messages.success(request, _("Screening recorded."))
            return redirect("people:detail", person.uuid)
    definition = version.parsed
    return render(request, "assessments/screening_form.html", {
        "form": form, "person": person, "version": version,
        "instrument_name": definition.name.get(current_language()),
        "bias_intro": definition.bias_check.intro.get(current_language())
        if definition.bias_check and definition.bias_check.intro else "",
        "guidance": {item.code: item.guidance for item in definition.items}}, status=status)


def screening_detail(request, screening_uuid):
    screening, _grant = get_screening_for_user(request.user, screening_uuid)
    definition = screening.instrument_version.parsed
    lang = current_language()
    rows = []
    for item in definition.items:
        rating = screening.ratings.get(item.code)
        point = definition.scale_of(item).point(rating) if isinstance(rating, str) else None
        rows.append({"text": item.text.get(lang), "rating": point.label.get(lang) if point
                     else (_("Unknown — not enough information") if rating == "unknown" else "—"),
                     "evidence": screening.evidence.get(item.code, "")})
    questions = definition.bias_check.questions if definition.bias_check else ()
    bias = [{"text": q.text.get(lang), **screening.bias_answers.get(q.code, {})} for q in questions]
    outcome = definition.outcomes.option(screening.outcome)
    return render(request, "assessments/screening_detail.html", {
        "screening": screening, "person": screening.person, "rows": rows, "bias": bias,
        "outcome": outcome.label.get(lang) if outcome else screening.outcome,
        "instrument_name": definition.name.get(lang)})


@require_http_methods(["GET", "POST"])
def assessment_start(request, person_uuid):
    person, _grant = get_person_for_assessment_work(request.user, person_uuid)
    versions = services.active_versions(InstrumentKind.RISK_NEEDS)
    form = StartAssessmentForm(request.POST or None, versions=versions, language=current_language())
    status = 200
    if form.is_valid():
        version = form.versions[form.cleaned_data["instrument_version"]]
        assessment, status = apply_service(form, lambda: services.assessment_start(
            actor=request.user, person=person, instrument_version=version))
        if assessment:
            return redirect("assessments:detail", assessment.uuid)
    return render(request, "form.html", {
        "form": form, "person": person, "title": _("Start a risk and needs assessment of "
                                                   "%(ref)s") % {"ref": person.reference},
        "submit": _("Start"), "intro": _(
            "You will be the lead assessor. Rate each item with its evidence, or mark it unknown; "
            "invite a co-assessor if you assess together.")}, status=status)


def _detail_context(request, assessment, grant, **extra):
    context = selectors.assessment_page(assessment, request.user)
    lang = current_language()
    context.update(
        person=assessment.person, actions=grant.actions,
        can_edit=grant.can(AssessmentAction.EDIT),
        can_countersign=grant.can(AssessmentAction.COUNTERSIGN),
        problems=services.submission_problems(assessment) if assessment.is_editable else {},
        certified=accreditation.is_certified(request.user, assessment.instrument_version),
        source_form=SourceForm(initial={"version": assessment.version}),
        summary_form=SummaryForm(options=context["judgement_options"], initial={
            "formulation": assessment.formulation, "version": assessment.version,
            "overall_judgement": assessment.overall_judgement,
            "judgement_rationale": assessment.judgement_rationale,
            "consensus_note": assessment.consensus_note}),
        return_form=ReturnForm(initial={"version": assessment.version}),
        correction_form=CorrectionForm(),
        co_assessor_form=CoAssessorForm(users=selectors.co_assessor_candidates(assessment)),
        outputs_needs=selectors.needs_of(assessment),
        lang=lang)
    context.update(extra)
    return context


def assessment_detail(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                                AssessmentAction.VIEW_SUMMARY)
    if not grant.can(AssessmentAction.VIEW):
        # The case team's share of a final assessment: judgement, dates, needs.
        return render(request, "assessments/summary.html", {
            "assessment": assessment, "person": assessment.person,
            "judgement": selectors.judgement_label(assessment),
            "instrument_name": assessment.instrument_version.parsed.name.get(current_language()),
            "needs": selectors.needs_of(assessment)})
    return render(request, "assessments/detail.html", _detail_context(request, assessment, grant))


@require_POST
def rate_item(request, assessment_uuid, item_code):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.EDIT)
    if not assessment.instrument_version.parsed.has_item(item_code):
        raise Http404(_("This instrument has no item %(code)s.") % {"code": item_code[:20]})
    form = ItemRatingForm(request.POST)
    status, error = 200, ""
    if form.is_valid():
        try:
            services.assessment_rate_item(
                actor=request.user, assessment=assessment, item_code=item_code,
                rating=_parse_rating(assessment, item_code, form.cleaned_data["rating"]),
                evidence=form.cleaned_data["evidence"], expected_stamp=form.cleaned_data["stamp"])
        except Conflict as exc:
            status, error = 409, str(exc.message) + " " + _("The rating shown is the one saved.")
        except ValidationError as exc:
            status, error = 422, " ".join(exc.messages)
    else:
        status, error = 422, _("Choose a rating.")
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(reverse("assessments:detail", args=[assessment.uuid]) + f"#item-{item_code}")
    context = selectors.assessment_page(assessment, request.user)
    item = next(i for d in context["domains"] for i in d["items"] if i["code"] == item_code)
    if status == 422:  # keep what the user typed
        item = {**item, "evidence": request.POST.get("evidence", ""),
                "rating": request.POST.get("rating")}
    return render(request, "assessments/_item.html", {
        "i": item, "assessment": assessment, "can_edit": True, "error": error,
        "saved": status == 200, "progress": (context["rated"], context["total_items"],
                                             context["unknowns"])}, status=status)


def _parse_rating(assessment, item_code: str, value: str):
    """Ratings arrive as text: a point code, "unknown", or a number on a numeric scale."""
    definition = assessment.instrument_version.parsed
    if definition.has_item(item_code) and definition.scale_of(item_code).type.value == "numeric":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value


def _back(assessment, anchor=""):
    return redirect(reverse("assessments:detail", args=[assessment.uuid]) + anchor)


def _post_action(request, assessment, grant, form, call, success, anchor=""):
    """Run a POST action from the assessment page; errors come back on the page."""
    result, status = apply_service(form, call) if form.is_valid() else (None, 200)
    if result is not None:
        messages.success(request, success)
        return _back(assessment, anchor)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, error if field == "__all__" else f"{_field_label(form, field)}: "
                           f"{error}")
    return _back(assessment, anchor) if status != 409 else render(
        request, "assessments/detail.html", _detail_context(request, assessment, grant), status=409)


def _field_label(form, name):
    field = form.fields.get(name)
    return field.label if field else name


@require_POST
def add_source(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.EDIT)
    form = SourceForm(request.POST)

    def call():
        data = form.cleaned_data
        source = {"kind": data["kind"], "description": data["description"].strip(),
                  "on": data["on"].isoformat() if data["on"] else ""}
        return services.assessment_update(actor=request.user, assessment=assessment,
                                          expected_version=data["version"],
                                          sources=[*assessment.sources, source])
    return _post_action(request, assessment, grant, form, call, _("Source added."), "#sources")


@require_POST
def remove_source(request, assessment_uuid, index):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.EDIT)
    form = VersionOnlyForm(request.POST)
    sources = [s for n, s in enumerate(assessment.sources) if n != index]
    return _post_action(request, assessment, grant, form, lambda: services.assessment_update(
        actor=request.user, assessment=assessment, sources=sources,
        expected_version=form.cleaned_data["version"]), _("Source removed."), "#sources")


@require_POST
def update_summary(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.EDIT)
    options = selectors.assessment_page(assessment, request.user)["judgement_options"]
    form = SummaryForm(request.POST, options=options)

    def call():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.assessment_update(actor=request.user, assessment=assessment,
                                          expected_version=version, **data)
    return _post_action(request, assessment, grant, form, call, _("Judgement saved."), "#judgement")


@require_POST
def invite_co_assessor(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.EDIT)
    form = CoAssessorForm(request.POST, users=selectors.co_assessor_candidates(assessment))
    return _post_action(request, assessment, grant, form, lambda: services.assessment_invite(
        actor=request.user, assessment=assessment, user=form.cleaned_data["user"]),
        _("Co-assessor invited."), "#assessors")


@require_POST
def submit(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.EDIT)
    form = VersionOnlyForm(request.POST)
    return _post_action(request, assessment, grant, form, lambda: services.assessment_submit(
        actor=request.user, assessment=assessment, expected_version=form.cleaned_data["version"]),
        _("Submitted for countersignature."))


@require_POST
def countersign(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                         AssessmentAction.COUNTERSIGN)
    form = VersionOnlyForm(request.POST)
    return _post_action(request, assessment, grant, form, lambda: services.assessment_countersign(
        actor=request.user, assessment=assessment, expected_version=form.cleaned_data["version"]),
        _("Countersigned. The next reassessment is scheduled."))


@require_POST
def return_assessment(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                         AssessmentAction.COUNTERSIGN)
    form = ReturnForm(request.POST)
    return _post_action(request, assessment, grant, form, lambda: services.assessment_return(
        actor=request.user, assessment=assessment, comments=form.cleaned_data["comments"],
        expected_version=form.cleaned_data["version"]), _("Returned to the assessors."))


@require_POST
def correct(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid, AssessmentAction.CORRECT)
    form = CorrectionForm(request.POST)
    draft, _status = apply_service(form, lambda: services.assessment_correct(
        actor=request.user, assessment=assessment, reason=form.cleaned_data["reason"])) \
        if form.is_valid() else (None, 200)
    if draft is None:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(assessment)
    messages.success(request, _("A correction was opened as a new draft."))
    return redirect("assessments:detail", draft.uuid)


def compare(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid)
    return render(request, "assessments/compare.html", {
        "assessment": assessment, "person": assessment.person,
        "comparison": selectors.comparison(assessment),
        "instrument_name": assessment.instrument_version.parsed.name.get(current_language())})


def pdf(request, assessment_uuid):
    from .pdf import PdfUnavailable, assessment_pdf

    assessment, grant = get_assessment_for_user(request.user, assessment_uuid)
    context = selectors.assessment_page(assessment, request.user)
    context.update(person=assessment.person, comparison=selectors.comparison(assessment),
                   needs=selectors.needs_of(assessment))
    try:
        content = assessment_pdf(context)
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return _back(assessment)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="assessment-{assessment.person.reference}.pdf"')
    return response


def instruments(request):
    if not (can_administer(request.user) or profile_for(request.user).roles):
        raise PermissionDenied
    versions = selectors.instrument_versions()
    for v in versions:
        v.display_name = v.parsed.name.get(current_language())
    return render(request, "assessments/instruments.html", {
        "versions": versions, "can_load": can_administer(request.user)})


@require_http_methods(["GET", "POST"])
def instrument_load(request):
    if not can_administer(request.user):
        raise PermissionDenied(_("Only a system administrator loads instruments."))
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8")
            version, created = services.instrument_load(actor=request.user, text=text,
                                                        filename=upload.name)
        except UnicodeDecodeError:
            errors, status = [_("The file is not UTF-8 text.")], 400
        except InstrumentDefinitionError as exc:
            errors, status = exc.errors, 400
        else:
            messages.success(request, (_("Published %(name)s %(version)s.") if created else _(
                "%(name)s %(version)s was already published with the same content.")) % {
                "name": version.instrument.code, "version": version.version})
            return redirect("assessments:instruments")
    return render(request, "assessments/instrument_load.html", {"form": form, "errors": errors},
                  status=status)


def accreditation_overview(request):
    if not can_view_accreditation(request.user):
        raise PermissionDenied(_("The accreditation overview is for managers."))
    users = selectors.staff_of(countersign_agency_ids(request.user))
    return render(request, "assessments/accreditation.html", {
        "rows": accreditation.certification_overview(users)})
