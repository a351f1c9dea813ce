"""The DPO's retention pages: the worklist, one review and its decision, the periods, and the
register of erasures. Each view checks through access.py and writes through services.py."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.audit import AuditAction
from alliance.core.forms import apply_service
from alliance.core.pagination import bounded_page

from . import services
from .access import (
    can_manage_jurisdiction,
    can_use_retention,
    erasures_visible_to,
    get_review_item_for_user,
    jurisdictions_for,
    review_items,
)
from .forms import Decision, DecisionForm, RuleForm
from .models import ClockStart, RetentionCategory, ReviewStatus
from .review import effective_rules

PAGE_SIZE = 50


def _require_dpo(user) -> None:
    if not can_use_retention(user):
        raise PermissionDenied(_("Only a data protection officer reviews retention."))


def worklist(request):
    _require_dpo(request.user)
    jurisdictions = jurisdictions_for(request.user)
    items = review_items.visible(request.user).filter(status=ReviewStatus.OPEN)
    code = request.GET.get("jurisdiction", "")
    if code:
        items = items.filter(person__jurisdiction__code=code)
    category = request.GET.get("category", "")
    if category in RetentionCategory.values:
        items = items.filter(category=category)
    page = bounded_page(items, request.GET.get("page"), PAGE_SIZE)
    audit.consulted(actor=request.user, action=AuditAction.LIST,
                    persons=[i.person for i in page], details={"worklist": "retention"})
    return render(request, "retention/worklist.html", {
        "page": page, "jurisdictions": jurisdictions, "code": code, "category": category,
        "categories": RetentionCategory.choices})


def review(request, review_uuid):
    item, _grant = get_review_item_for_user(request.user, review_uuid)
    form = DecisionForm(request.POST or None, category=item.category)
    status = 200
    if request.method == "POST":
        if not review_items.grant(request.user, item).can("decide"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            if data["decision"] == Decision.KEEP:
                call = lambda: services.review_keep(  # noqa: E731
                    actor=request.user, item=item, months=data["months"], reason=data["reason"])
            elif data["decision"] == Decision.ERASE:
                call = lambda: services.review_erase(  # noqa: E731
                    actor=request.user, item=item, reason=data["reason"])
            else:
                call = lambda: services.review_anonymise(  # noqa: E731
                    actor=request.user, item=item, reason=data["reason"])
            result, status = apply_service(form, call)
            if result is not None:
                return redirect("retention:worklist")
    audit.consulted(actor=request.user, obj=item)
    return render(request, "retention/review.html", {
        "item": item, "form": form, "counts": services.affected_counts(item)
        if item.status == ReviewStatus.OPEN else {},
        "erasures": item.erasures.all()}, status=status)


def periods(request):
    _require_dpo(request.user)
    rows = []
    for jurisdiction in jurisdictions_for(request.user).order_by("name"):
        rules = effective_rules(jurisdiction)
        rows.append((jurisdiction, [
            {"code": code, "label": RetentionCategory(code).label, "months": months,
             "counted_from_label": ClockStart(counted_from).label, "default": row is None}
            for code, (months, counted_from, row) in rules.items()]))
    return render(request, "retention/periods.html", {"rows": rows})


def period_edit(request, jurisdiction_code, category):
    _require_dpo(request.user)
    jurisdiction = jurisdictions_for(request.user).filter(code=jurisdiction_code).first()
    if jurisdiction is None or category not in RetentionCategory.values:
        raise Http404(_("No such record, or not one you may see."))
    if not can_manage_jurisdiction(request.user, jurisdiction):  # pragma: no cover - same rule
        raise PermissionDenied
    months, counted_from, row = effective_rules(jurisdiction)[category]
    initial = {"months": months, "counted_from": counted_from,
               "version": row.version if row else 0}
    form = RuleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result, status = apply_service(form, lambda: services.rule_save(
            actor=request.user, jurisdiction=jurisdiction, category=category,
            months=data["months"], counted_from=data["counted_from"],
            expected_version=data.get("version")))
        if result is not None:
            return redirect("retention:periods")
    title = _("Retention period: %(category)s, %(jurisdiction)s") % {
        "category": RetentionCategory(category).label, "jurisdiction": jurisdiction.display_name}
    return render(request, "form.html", {
        "form": form, "title": title, "submit": _("Save"),
        "intro": _("The daily job lists a person's records of this category for review once "
                   "this many months have passed since the event chosen.")}, status=status)


def erasures(request):
    _require_dpo(request.user)
    page = bounded_page(erasures_visible_to(request.user), request.GET.get("page"), PAGE_SIZE)
    audit.consulted(actor=request.user, action=AuditAction.LIST,
                    persons=[r.person for r in page], details={"register": "erasures"})
    return render(request, "retention/erasures.html", {"page": page})
