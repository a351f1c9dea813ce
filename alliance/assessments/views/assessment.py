"""The assessment pages: the worklist, starting an assessment, its overview (in full, or the case
team's summary), the POST actions of the overview (sources, judgement, co-assessors, submit,
countersign, return, correct), the comparison with the previous assessment and the PDF.

Every action is a POST from the overview. It comes back to the page: on success by a redirect
to its anchor; on an error, the errors as messages (409 for a stale version: the page again)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.forms import apply_service
from alliance.core.i18n import current_language
from alliance.people.access import require_caseload

from .. import accreditation, selectors, services
from ..access import AssessmentAction, get_assessment_for_user, get_person_for_assessment_work
from ..forms import (
    CoAssessorForm,
    CorrectionForm,
    ReturnForm,
    SourceForm,
    StartAssessmentForm,
    SummaryForm,
    VersionOnlyForm,
)
from ..models import InstrumentKind
from ..pdf import PdfUnavailable, assessment_pdf
from .common import _factor_forms, _rate_url


def worklist(request):
    require_caseload(request.user)
    return render(request, "assessments/worklist.html", selectors.worklist(request.user))


@require_http_methods(["GET", "POST"])
def assessment_start(request, person_uuid):
    person, _grant = get_person_for_assessment_work(request.user, person_uuid)
    versions = [v for kind in services.ASSESSED_KINDS for v in services.active_versions(kind)]
    form = StartAssessmentForm(request.POST or None, versions=versions, language=current_language())
    status = 200
    if form.is_valid():
        version = form.versions[form.cleaned_data["instrument_version"]]
        assessment, status = apply_service(form, lambda: services.assessment_start(
            actor=request.user, person=person, instrument_version=version))
        if assessment:
            return redirect("assessments:detail", assessment.uuid)
    return render(request, "form.html", {
        "form": form, "person": person, "title": _("Start an assessment of %(ref)s") % {
            "ref": person.reference},
        "submit": _("Start"), "intro": _(
            "Choose the instrument: a risk and needs assessment or a checklist. You will be the "
            "lead assessor. Rate each item with its evidence, or mark it unknown; invite a "
            "co-assessor if you assess together. A screening has its own form, and the working "
            "alliance is measured from the person's plan.")}, status=status)


def _summary_form(assessment, data=None):
    definition = assessment.instrument_version.parsed
    return SummaryForm(data, options=selectors.judgement_options(definition, current_language()),
                       formulation_only=selectors.formulation_only(definition), initial={
        "formulation": assessment.formulation, "version": assessment.version,
        "overall_judgement": assessment.overall_judgement,
        "judgement_rationale": assessment.judgement_rationale,
        "consensus_note": assessment.consensus_note})


def _detail_context(request, assessment, grant, **extra):
    context = selectors.assessment_page(assessment, request.user)
    lang = current_language()
    bound_factor = extra.pop("bound_factor", None)
    context.update(
        person=assessment.person, actions=grant.actions,
        can_edit=grant.can(AssessmentAction.EDIT),
        can_countersign=grant.can(AssessmentAction.COUNTERSIGN),
        problems=services.submission_problems(assessment) if assessment.is_editable else {},
        certified=accreditation.is_certified(request.user, assessment.instrument_version),
        source_form=SourceForm(initial={"version": assessment.version}),
        summary_form=_summary_form(assessment),
        return_form=ReturnForm(initial={"version": assessment.version}),
        correction_form=CorrectionForm(),
        co_assessor_form=CoAssessorForm(users=selectors.co_assessor_candidates(assessment)),
        first_domain=context["domains"][0]["code"] if context["domains"] else "",
        lang=lang)
    context["problems"] = _problem_links(assessment, context["problems"])
    if context["can_edit"]:
        context["factors"] = _factor_forms(assessment, context["factors"], bound_factor)
    context.update(extra)
    return context


def _problem_links(assessment, problems: dict) -> list[tuple[str, str]]:
    """What stops the submission, each with the place to fix it (an item on its domain's page,
    a domain's judgement, the sources or the judgement on the overview)."""
    definition = assessment.instrument_version.parsed
    links = []
    for key, message in problems.items():
        kind, _sep, code = key.partition("_")
        if kind == "item" and definition.has_item(code):
            url = _rate_url(assessment, code)
        elif kind == "domain" and any(d.code == code for d in definition.domains):
            url = reverse("assessments:rate_domain", args=[assessment.uuid, code]) + "#judgement"
        else:
            url = "#sources" if key == "sources" else "#judgement"
        links.append((message, url))
    return links


def assessment_detail(request, assessment_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                                AssessmentAction.VIEW_SUMMARY)
    if not grant.can(AssessmentAction.VIEW):
        # The case team's share of a final assessment: judgement, dates, needs.
        definition = assessment.instrument_version.parsed
        return render(request, "assessments/summary.html", {
            "assessment": assessment, "person": assessment.person,
            "judgement": selectors.judgement_label(assessment),
            "formulation_only": selectors.formulation_only(definition),
            "domain_judgements": selectors.domain_judgement_labels(assessment),
            "instrument_name": definition.name.get(current_language()),
            "kind": InstrumentKind(assessment.instrument_version.instrument.kind).label,
            "needs": selectors.needs_of(assessment)})
    return render(request, "assessments/detail.html", _detail_context(request, assessment, grant))


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
    form = _summary_form(assessment, request.POST)

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


@reauthentication_required
def pdf(request, assessment_uuid):
    """The printout: a one-page summary, or with ?length=full the full record (formulation,
    sources, every answer with its evidence, additional factors). Never the name."""
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid)
    full = request.GET.get("length") == "full"
    context = selectors.assessment_page(assessment, request.user)
    context.update(person=assessment.person, comparison=selectors.comparison(
        assessment, context["previous"]), full=full)
    try:
        content = assessment_pdf(context)
    except PdfUnavailable:
        messages.error(request, _("PDF output is not available on this server (a system library "
                                  "is missing). Ask your administrator."))
        return _back(assessment)
    response = HttpResponse(content, content_type="application/pdf")
    name = "record" if full else "assessment"
    response["Content-Disposition"] = (
        f'inline; filename="{name}-{assessment.person.reference}.pdf"')
    return response
