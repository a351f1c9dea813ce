"""The agreement pages (for DPOs and system administrators) and the disclosure log (the DPO's).
Thin: every object comes from access.py, every write from services.py."""


from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import audit
from alliance.core.compartments import DataCategory
from alliance.core.csvexport import csv_cell, streaming_writer
from alliance.core.forms import apply_service
from alliance.core.models import AuditAction
from alliance.core.pagination import bounded_page
from alliance.organisations.models import AgreementStatus
from alliance.organisations.selectors import active_agencies

from . import services
from .access import (
    AgreementAction,
    agreements_visible_to,
    can_edit_agreements,
    can_read_agreements,
    can_read_disclosures,
    disclosures_visible_to,
    get_agreement_for_user,
)
from .forms import AgreementForm, DisclosureFilterForm, ReviewedForm, SignForm, TerminateForm
from .selectors import REVIEW_WITHIN, TABS, in_tab

CATEGORY_LABELS = dict(DataCategory.choices)
TAB_LABELS = {"in_force": gettext_lazy("In force"),
              "review_due": gettext_lazy("Review due within 30 days"),
              "ended": gettext_lazy("Lapsed or terminated"), "drafts": gettext_lazy("Drafts"),
              "all": gettext_lazy("All")}


def _require_reader(user) -> None:
    """Refuse (403) whoever works with no agreement at all; within the DPO's and the
    administrator's roles, an agreement out of their reach is a 404 (access.py)."""
    if not can_read_agreements(user):
        raise PermissionDenied(_("Information-sharing agreements are for data protection "
                                 "officers and system administrators."))


@require_GET
def agreement_list(request):
    _require_reader(request.user)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "in_force"
    visible = agreements_visible_to(request.user)
    tabs = [(name, TAB_LABELS[name], in_tab(visible, name).count()) for name in TABS]
    rows = in_tab(visible, tab).prefetch_related("parties__agency").order_by("valid_until",
                                                                              "title")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "coordination/agreements/list.html", {
        "tab": tab, "tabs": tabs, "page": page, "today": timezone.localdate(),
        "can_create": can_edit_agreements(request.user),
        "review_soon": timezone.localdate() + REVIEW_WITHIN})


def _agencies_for(agreement=None):
    """The agencies the form offers: the active ones (and the parties, even if inactive since);
    a signed agreement's parties only."""
    parties = [p.agency for p in agreement.parties.all()] if agreement is not None else []
    if agreement is not None and agreement.status != AgreementStatus.DRAFT:
        return parties
    agencies = {a.pk: a for a in active_agencies().order_by("jurisdiction__name", "name")}
    for agency in parties:
        agencies.setdefault(agency.pk, agency)
    return list(agencies.values())


@require_http_methods(["GET", "POST"])
@reauthentication_required
def agreement_new(request):
    if not can_edit_agreements(request.user):
        raise PermissionDenied(_("Only a data protection officer or a system administrator "
                                 "drafts information-sharing agreements."))
    form = AgreementForm(request.POST or None, agencies=_agencies_for())
    status = 200
    if request.method == "POST" and form.is_valid():
        agreement, status = apply_service(form, lambda: services.agreement_create(
            actor=request.user, parties=form.cleaned_data["parties"], **form.service_values()))
        if agreement:
            messages.success(request, _("Draft saved. A data protection officer signs it to "
                                        "put it in force."))
            return redirect("coordination:agreement_detail", agreement.uuid)
    return render(request, "coordination/agreements/form.html", {"form": form,
                                                                 "agreement": None},
                  status=status)


def _detail(request, agreement, grant, *, status=200, terminate_form=None,
            reviewed_form=None, sign_form=None):
    people = services.people_relying_on(agreement)
    shown = list(people) if grant.can(AgreementAction.SEE_PEOPLE) else None
    if shown:
        audit.consulted(actor=request.user, action=AuditAction.LIST, persons=shown,
                        details={"resource": "agreement_people", "agreement": str(agreement.uuid),
                                 "count": len(shown)})
    version = {"version": agreement.version}
    parties = list(agreement.parties.all())
    return render(request, "coordination/agreements/detail.html", {
        "agreement": agreement, "grant": grant, "parties": parties, "today": timezone.localdate(),
        "grid": [(p, [c in p.categories for c, _label in DataCategory.choices])
                 for p in parties],
        "categories": DataCategory.choices,
        "in_force": agreement.in_force_on(timezone.localdate()),
        "lapsed": agreement.status == AgreementStatus.IN_FORCE
        and agreement.valid_until < timezone.localdate(),
        "people": shown, "people_count": len(shown) if shown is not None else people.count(),
        "sign_form": sign_form or SignForm(initial=version, auto_id="sign-%s"),
        "terminate_form": terminate_form or TerminateForm(initial=version,
                                                          auto_id="terminate-%s"),
        "reviewed_form": reviewed_form or ReviewedForm(initial=version, auto_id="review-%s"),
    }, status=status)


@require_GET
def agreement_detail(request, agreement_uuid):
    _require_reader(request.user)
    agreement, grant = get_agreement_for_user(request.user, agreement_uuid)
    return _detail(request, agreement, grant)


@require_http_methods(["GET", "POST"])
@reauthentication_required
def agreement_edit(request, agreement_uuid):
    _require_reader(request.user)
    agreement, grant = get_agreement_for_user(request.user, agreement_uuid,
                                              AgreementAction.EDIT)
    form = AgreementForm(request.POST or None, agencies=_agencies_for(agreement),
                         agreement=agreement)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: services.agreement_update(
            actor=request.user, agreement=agreement,
            expected_version=form.cleaned_data["version"],
            parties=form.cleaned_data["parties"], **form.service_values()))
        if done:
            messages.success(request, _("Agreement saved."))
            return redirect("coordination:agreement_detail", agreement.uuid)
    return render(request, "coordination/agreements/form.html", {
        "form": form, "agreement": agreement}, status=status)


@require_POST
@reauthentication_required
def agreement_sign(request, agreement_uuid):
    _require_reader(request.user)
    agreement, grant = get_agreement_for_user(request.user, agreement_uuid,
                                              AgreementAction.SIGN)
    form = SignForm(request.POST, auto_id="sign-%s")
    done, status = (apply_service(form, lambda: services.agreement_sign(
        actor=request.user, agreement=agreement,
        expected_version=form.cleaned_data["version"])) if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, agreement, grant, status=status, sign_form=form)
    messages.success(request, _("Agreement signed: it is in force from %(day)s.") % {
        "day": done.valid_from.isoformat()})
    return redirect("coordination:agreement_detail", agreement.uuid)


@require_http_methods(["GET", "POST"])
@reauthentication_required
def agreement_terminate(request, agreement_uuid):
    _require_reader(request.user)
    agreement, grant = get_agreement_for_user(request.user, agreement_uuid,
                                              AgreementAction.TERMINATE)
    if request.method == "GET":
        return _detail(request, agreement, grant)
    form = TerminateForm(request.POST, auto_id="terminate-%s")
    done, status = (apply_service(form, lambda: services.agreement_terminate(
        actor=request.user, agreement=agreement, expected_version=form.cleaned_data["version"],
        reason=form.cleaned_data["reason"])) if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, agreement, grant, status=status, terminate_form=form)
    messages.success(request, _("Agreement terminated: nothing crosses under it any more."))
    return redirect("coordination:agreement_detail", agreement.uuid)


@require_POST
def agreement_reviewed(request, agreement_uuid):
    _require_reader(request.user)
    agreement, grant = get_agreement_for_user(request.user, agreement_uuid,
                                              AgreementAction.REVIEW)
    form = ReviewedForm(request.POST, auto_id="review-%s")
    done, status = (apply_service(form, lambda: services.agreement_reviewed(
        actor=request.user, agreement=agreement, expected_version=form.cleaned_data["version"],
        review_due=form.cleaned_data["review_due"])) if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, agreement, grant, status=status, reviewed_form=form)
    messages.success(request, _("Review recorded. The next one is due on %(day)s.") % {
        "day": done.review_due.isoformat()})
    return redirect("coordination:agreement_detail", agreement.uuid)


# --- the disclosure log ----------------------------------------------------------------------------

def _disclosure_search(request):
    if not can_read_disclosures(request.user):
        raise PermissionDenied(_("Only a data protection officer reads the disclosure log."))
    form = DisclosureFilterForm(request.GET or None, agencies=active_agencies(),
                                agreements=agreements_visible_to(request.user))
    rows = disclosures_visible_to(request.user).select_related(
        "person", "from_agency", "recipient_agency", "recipient", "agreement")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["reference"]:
            rows = rows.filter(person__reference__iexact=data["reference"].strip())
        if data["from_agency"]:
            rows = rows.filter(from_agency=data["from_agency"])
        if data["to_agency"]:
            rows = rows.filter(recipient_agency=data["to_agency"])
        if data["agreement"]:
            rows = rows.filter(agreement=data["agreement"])
        if data["channel"]:
            rows = rows.filter(channel=data["channel"])
        if data["date_from"]:
            rows = rows.filter(occurred_at__date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(occurred_at__date__lte=data["date_to"])
    return form, rows.order_by("-occurred_at", "-id")


def category_labels(categories) -> str:
    return ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in categories)


@require_GET
def disclosures(request):
    form, rows = _disclosure_search(request)
    page = bounded_page(rows, request.GET.get("page"), 100)
    # One event naming the references the page shows (the DPO reads them, as any consultation).
    audit.consulted(actor=request.user, action=AuditAction.SEARCH,
                    persons=[row.person for row in page],
                    details={"object_type": "people.disclosure", "filters": form.filters(),
                             "page": page.number})
    for row in page:
        row.category_labels = category_labels(row.categories)
    return render(request, "coordination/disclosures/list.html", {"form": form, "page": page})


@require_GET
@reauthentication_required
def disclosures_export(request):
    form, rows = _disclosure_search(request)
    audit.consulted(actor=request.user, action=AuditAction.EXPORT,
                    persons=list({d.person_id: d.person for d in rows}.values()),
                    details={"object_type": "people.disclosure", "filters": form.filters(),
                             "rows": rows.count()})
    writer = streaming_writer()
    header = [_("When (UTC)"), _("Person reference"), pgettext("agency", "From"),
              pgettext("agency", "To"), _("Recipient"), _("Categories"), _("Purpose"),
              _("Agreement"), _("Channel"), _("Object")]

    def lines():
        yield writer.writerow(header)
        for d in rows.iterator(chunk_size=2000):
            yield writer.writerow([csv_cell(v) for v in (
                d.occurred_at.isoformat(), d.person.reference, d.from_agency.name,
                d.recipient_agency.name, d.recipient.get_username() if d.recipient else "",
                category_labels(d.categories), d.purpose,
                d.agreement.title if d.agreement else "", d.get_channel_display(),
                f"{d.object_type}:{d.object_uuid}" if d.object_type else "")])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alliance-disclosures.csv"'
    return response
