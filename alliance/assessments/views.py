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
    DomainJudgementForm,
    FactorAddForm,
    FactorUpdateForm,
    InstrumentUploadForm,
    ItemAnswerForm,
    ReturnForm,
    ScreeningForm,
    SourceForm,
    StartAssessmentForm,
    SummaryForm,
    VersionOnlyForm,
)
from .instruments import InstrumentDefinitionError
from .labels import rating_name
from .models import InstrumentKind
from .pdf import PdfUnavailable, assessment_pdf


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


def _factor_forms(assessment, section, bound=None):
    """The add form and one edit form per factor of a factor section (bound: the one posted)."""
    if section is None:
        return section
    definition, lang = assessment.instrument_version.parsed, current_language()
    slot = section["slot"]
    add = FactorAddForm(initial={"version": assessment.version}, definition=definition,
                        slot=slot, language=lang, prefix=f"add-{section['url_domain']}")
    for row in section["factors"]:
        factor = row["factor"]
        initial = {"name": factor.name, "evidence": factor.evidence, "stamp": row["stamp"]}
        rating = factor.rating
        if slot.named_ratings and isinstance(rating, dict):
            initial.update({f"rating:{code}": value for code, value in rating.items()})
        else:
            initial["rating"] = rating
        row["form"] = FactorUpdateForm(initial=initial, definition=definition, slot=slot,
                                       language=lang, prefix=f"f{factor.uuid.hex}")
    if bound is not None:
        key, form = bound
        if key == "add":
            add = form
        else:
            for row in section["factors"]:
                if row["pk"] == key:
                    row["form"] = form
    return {**section, "add_form": add}


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


# --- the rating page: one domain at a time --------------------------------------------------------

def rate_start(request, assessment_uuid):
    """The rating page starts at the first domain."""
    assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                 AssessmentAction.EDIT)
    domains = assessment.instrument_version.parsed.domains
    return redirect("assessments:rate_domain", assessment.uuid, domains[0].code)


def _rating_context(request, assessment, domain_code, *, judgement_form=None, bound_factor=None):
    context = selectors.rating_page(assessment, request.user, domain_code)
    if context is None:
        raise Http404(_("This instrument has no such domain."))
    domain, lang = context["domain"], current_language()
    judgement = context["judgement"]
    if judgement is not None and judgement_form is None:
        judgement_form = DomainJudgementForm(choice=domain.judgement, language=lang, initial={
            "judgement": judgement["code"], "rationale": judgement["rationale"],
            "version": assessment.version}, prefix="judgement")
    context.update(person=assessment.person, can_edit=True, judgement_form=judgement_form,
                   factors=_factor_forms(assessment, context["factors"], bound_factor))
    return context


@require_http_methods(["GET"])
def rate_domain(request, assessment_uuid, domain_code):
    """All items of one domain in one form; each item saves itself as it changes (rate_item)."""
    assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                 AssessmentAction.EDIT)
    return render(request, "assessments/rate_domain.html",
                  _rating_context(request, assessment, domain_code))


def _rate_url(assessment, item_code: str) -> str:
    item = assessment.instrument_version.parsed.item(item_code)
    return (reverse("assessments:rate_domain", args=[assessment.uuid, item.domain])
            + f"#item-{selectors.dom_key(item_code)}")


@require_POST
def rate_item(request, assessment_uuid, item_code):
    """Save one item's answer (the rating page posts each item as it changes). 422: refused,
    with the choice and the text kept; 409: a co-assessor saved it since, the saved answer is
    shown with what the user typed."""
    assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                 AssessmentAction.EDIT)
    definition = assessment.instrument_version.parsed
    if not definition.has_item(item_code):
        raise Http404(_("This instrument has no item %(code)s.") % {"code": item_code[:20]})
    form = ItemAnswerForm(request.POST, definition=definition, item=definition.item(item_code))
    form.is_valid()  # every field is optional: what matters is the answer it makes
    data = form.cleaned_data
    clear, evidence, stamp = data.get("clear"), data.get("evidence") or "", data.get("stamp") or ""
    answer = None if clear else form.answer()
    status, error, field = 200, "", "rating"
    current = selectors.item_rating(assessment, item_code)
    unchanged = (current is not None and not clear and current.rating == answer
                 and current.evidence == evidence.strip() and current.rated_at.isoformat() == stamp)
    item = definition.item(item_code)
    # Nothing to save yet: no choice, or only a rating asked after the first one.
    if (answer is None or answer == {}) and not clear:
        status, error = 422, (_("Rate “%(rating)s” first: the other ratings and the evidence "
                                "are saved with it.") % {
            "rating": rating_name(definition, item, item.primary.code, current_language())}
            if item.named_ratings else _("Choose a rating: the evidence is saved with it."))
    elif not unchanged:  # a second save of the same answer (the evidence box left) writes nothing
        try:
            services.assessment_rate_item(actor=request.user, assessment=assessment,
                                          item_code=item_code, rating=answer, evidence=evidence,
                                          expected_stamp=stamp)
        except Conflict:
            status = 409
            error = _("A co-assessor saved this item after you opened the page. The answer shown "
                      "is the one saved; what you typed is below, not saved.")
        except ValidationError as exc:
            status, error = 422, " ".join(exc.messages)
            if hasattr(exc, "error_dict") and "evidence" in exc.error_dict:
                field = "evidence"
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(_rate_url(assessment, item_code))
    kept = {"answer": answer, "evidence": evidence} if status == 422 else {}
    context = selectors.item_response(assessment, item_code, **kept)
    context.update(assessment=assessment, can_edit=True, error=error, error_field=field,
                   status=status, cleared=clear and status == 200,
                   typed=evidence if status == 409 else "")
    response = render(request, "assessments/_rate_response.html", context, status=status)
    if clear or status == 409:
        # The whole item is drawn again (its evidence box too): the saved answer, or none.
        response["HX-Retarget"] = f"#item-{selectors.dom_key(item_code)}"
        response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
def domain_judgement(request, assessment_uuid, domain_code):
    assessment, _grant = get_assessment_for_user(request.user, assessment_uuid,
                                                 AssessmentAction.EDIT)
    definition = assessment.instrument_version.parsed
    domain = next((d for d in definition.domains if d.code == domain_code), None)
    if domain is None or domain.judgement is None:
        raise Http404(_("This instrument has no such domain judgement."))
    form = DomainJudgementForm(request.POST, choice=domain.judgement,
                               language=current_language(), prefix="judgement")
    result, status = (apply_service(form, lambda: services.assessment_update(
        actor=request.user, assessment=assessment,
        expected_version=form.cleaned_data["version"], domain_judgements={domain.code: {
            "judgement": form.cleaned_data["judgement"],
            "rationale": form.cleaned_data["rationale"]}}))
        if form.is_valid() else (None, 200))
    if result is not None:
        messages.success(request, _("Judgement saved."))
        return redirect(reverse("assessments:rate_domain", args=[assessment.uuid, domain.code])
                        + "#judgement")
    return render(request, "assessments/rate_domain.html",
                  _rating_context(request, assessment, domain.code, judgement_form=form),
                  status=status)


def _factor_back(request, assessment, grant, domain: str, bound=None, status=200):
    """After a factor is added, changed or removed: back to its domain's page (the overview
    for the instrument's own factors); with a form to correct, that page drawn again."""
    if bound is None:
        url = (reverse("assessments:rate_domain", args=[assessment.uuid, domain]) if domain
               else reverse("assessments:detail", args=[assessment.uuid]))
        return redirect(url + "#factors")
    if domain:
        return render(request, "assessments/rate_domain.html",
                      _rating_context(request, assessment, domain, bound_factor=bound),
                      status=status)
    return render(request, "assessments/detail.html",
                  _detail_context(request, assessment, grant, bound_factor=bound), status=status)


@require_POST
def factor_add(request, assessment_uuid, domain_code):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                                AssessmentAction.EDIT)
    definition = assessment.instrument_version.parsed
    domain = "" if domain_code == "_" else domain_code
    slot = definition.factor_slot(domain)
    if slot is None:
        raise Http404(_("This part of the instrument takes no additional factors."))
    form = FactorAddForm(request.POST, definition=definition, slot=slot,
                         language=current_language(), prefix=f"add-{domain_code}")
    factor, status = (apply_service(form, lambda: services.factor_add(
        actor=request.user, assessment=assessment, domain=domain,
        name=form.cleaned_data["name"], rating=form.cleaned_data["answer"],
        evidence=form.cleaned_data["evidence"],
        expected_version=form.cleaned_data["version"]))
        if form.is_valid() else (None, 200))
    if factor is None:
        return _factor_back(request, assessment, grant, domain, ("add", form), status)
    messages.success(request, _("Factor added."))
    return _factor_back(request, assessment, grant, domain)


@require_POST
def factor_update(request, assessment_uuid, factor_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                                AssessmentAction.EDIT)
    factor = selectors.factor_of(assessment, factor_uuid)
    if factor is None:
        raise Http404(_("This assessment has no such factor."))
    definition = assessment.instrument_version.parsed
    form = FactorUpdateForm(request.POST, definition=definition,
                            slot=definition.factor_slot(factor.domain),
                            language=current_language(), prefix=f"f{factor.uuid.hex}")
    saved, status = (apply_service(form, lambda: services.factor_update(
        actor=request.user, assessment=assessment, factor=factor,
        name=form.cleaned_data["name"], rating=form.cleaned_data["answer"],
        evidence=form.cleaned_data["evidence"], expected_stamp=form.cleaned_data["stamp"]))
        if form.is_valid() else (None, 200))
    if saved is None:
        return _factor_back(request, assessment, grant, factor.domain, (factor.uuid.hex, form), status)
    messages.success(request, _("Factor saved."))
    return _factor_back(request, assessment, grant, factor.domain)


@require_POST
def factor_remove(request, assessment_uuid, factor_uuid):
    assessment, grant = get_assessment_for_user(request.user, assessment_uuid,
                                                AssessmentAction.EDIT)
    factor = selectors.factor_of(assessment, factor_uuid)
    if factor is None:
        raise Http404(_("This assessment has no such factor."))
    form = VersionOnlyForm(request.POST)
    done, status = (apply_service(form, lambda: services.factor_remove(
        actor=request.user, assessment=assessment, factor=factor,
        expected_version=form.cleaned_data["version"]) or True)
        if form.is_valid() else (None, 200))
    if done:
        messages.success(request, _("Factor removed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _factor_back(request, assessment, grant, factor.domain)


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
