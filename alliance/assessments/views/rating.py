"""The rating page: one domain at a time, each item saving itself as it changes (rate_item), the
domain's judgement, and the additional factors (added, changed and removed from the domain's
page, or from the overview for the instrument's own factors)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.errors import Conflict
from alliance.core.forms import apply_service
from alliance.core.i18n import current_language

from .. import selectors, services
from ..access import AssessmentAction, get_assessment_for_user
from ..forms import DomainJudgementForm, FactorAddForm, FactorUpdateForm, ItemAnswerForm, VersionOnlyForm
from ..labels import rating_name
from .assessment import _detail_context
from .common import _factor_forms, _rate_url


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
