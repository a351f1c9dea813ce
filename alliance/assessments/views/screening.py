"""The screening pages: recording a screening of a person, and reading one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.core.forms import apply_service
from alliance.core.i18n import current_language

from .. import services
from ..access import get_person_for_assessment_work, get_screening_for_user
from ..forms import ScreeningForm
from ..models import BiasAnswer, InstrumentKind


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
    answers = dict(BiasAnswer.choices)
    bias = [{"text": q.text.get(lang), **screening.bias_answers.get(q.code, {})} for q in questions]
    for row in bias:
        # The answer is stored as its code ("no"); the reader sees the word in their language.
        row["answer"] = answers.get(row.get("answer"), row.get("answer", ""))
    outcome = definition.outcomes.option(screening.outcome)
    return render(request, "assessments/screening_detail.html", {
        "screening": screening, "person": screening.person, "rows": rows, "bias": bias,
        "outcome": outcome.label.get(lang) if outcome else screening.outcome,
        "instrument_name": definition.name.get(lang)})
