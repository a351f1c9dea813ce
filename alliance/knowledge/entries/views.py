"""The knowledge base's pages: search and the three tabs, an entry in the reader's language with
the actions the reader may take as small forms, the new entry, edit, translation, attachment and
interventions forms, and an attachment's download. Each view fetches through access, calls a
service and renders (services.py decides)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts.access import profile_for
from alliance.core.forms import apply_service
from alliance.core.i18n import current_language
from alliance.organisations.models import Agency, Jurisdiction

from ..models import ContentLanguage, EntryKind, EntryStatus
from ..recommendations.access import editable_jurisdictions
from ..recommendations.selectors import adoption_rows
from . import selectors, services
from .access import EntryAction, can_use_knowledge, get_entry_for_user, knowledge_reach
from .forms import (
    AttachForm,
    EntryForm,
    LinkForm,
    ReturnForm,
    ReviewForm,
    SearchForm,
    TranslationForm,
    VersionOnlyForm,
    WithdrawForm,
)


def require_member(user) -> None:
    if not can_use_knowledge(user):
        raise PermissionDenied(_("The knowledge base is for staff with a place in an agency."))


def entry_list(request):
    require_member(request.user)
    form = SearchForm(request.GET or None, jurisdictions=Jurisdiction.objects.order_by("name"))
    values = form.values() if request.GET else {}
    filters = selectors.Filters(**{k: v for k, v in values.items()})
    base = selectors.knowledge_base(request.user, tab=request.GET.get("tab", ""),
                                    filters=filters, page_number=request.GET.get("page"))
    return render(request, "knowledge/entries/list.html", {"form": form, "kb": base,
                                                           "page": base.page})


# --- writing an entry --------------------------------------------------------------------------

def _places(user, entry=None) -> tuple[list, list]:
    """The jurisdictions an entry may be written for (where the user works, and the entry's
    own), and the organisations of those and of the regional programme."""
    ids = {g.jurisdiction_id for g in profile_for(user).grants if g.jurisdiction_id}
    if entry is not None and entry.jurisdiction_id:
        ids.add(entry.jurisdiction_id)
    jurisdictions = list(Jurisdiction.objects.filter(pk__in=sorted(ids)).order_by("name"))
    agencies = list(Agency.objects.filter(is_active=True, jurisdiction_id__in=sorted(ids))
                    .select_related("jurisdiction").order_by("jurisdiction__name", "name"))
    agencies += list(Agency.objects.filter(is_active=True, jurisdiction__isnull=True)
                     .order_by("name"))
    return jurisdictions, agencies


def _default_place(user) -> dict:
    """A new entry starts in the user's first place: its jurisdiction and organisation."""
    grants = profile_for(user).grants
    if not grants:
        return {}
    first = grants[0]
    jurisdiction = (str(first.agency.jurisdiction.uuid) if first.jurisdiction_id
                    else selectors.REGIONAL)
    return {"jurisdiction": jurisdiction, "agency": str(first.agency.uuid)}


@require_http_methods(["GET", "POST"])
def entry_new(request):
    require_member(request.user)
    jurisdictions, agencies = _places(request.user)
    language = current_language().lower()
    initial = {"language": language if language in ContentLanguage.values else "en",
               **_default_place(request.user)}
    form = EntryForm(request.POST or None, initial=initial, jurisdictions=jurisdictions,
                     agencies=agencies)
    status = 200
    if request.method == "POST" and form.is_valid():
        entry, status = apply_service(form, lambda: services.entry_create(
            actor=request.user, **form.values()))
        if entry:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("knowledge:entry_detail", entry.uuid)
    return render(request, "knowledge/entries/form.html", {"form": form, "entry": None},
                  status=status)


@require_http_methods(["GET", "POST"])
def entry_edit(request, entry_uuid):
    entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.EDIT)
    text = entry.texts.filter(language=entry.original_language).first()
    initial = {"kind": entry.kind, "target_group": entry.target_group,
               "jurisdiction": str(entry.jurisdiction.uuid) if entry.jurisdiction_id
               else selectors.REGIONAL,
               "agency": str(entry.agency.uuid) if entry.agency_id else "",
               "organisation": entry.organisation,
               "themes": list(entry.themes.values_list("theme", flat=True)),
               "version": entry.version,
               **({"title": text.title, "objectives": text.objectives,
                   "description": text.description, "findings": text.findings} if text else {})}
    jurisdictions, agencies = _places(request.user, entry)
    form = EntryForm(request.POST or None, initial=initial, jurisdictions=jurisdictions,
                     agencies=agencies, editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: services.entry_update(
            actor=request.user, entry=entry, expected_version=form.cleaned_data["version"],
            **form.values()))
        if done:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:entry_detail", entry.uuid)
    return render(request, "knowledge/entries/form.html", {"form": form, "entry": entry},
                  status=status)


@require_http_methods(["GET", "POST"])
def entry_translate(request, entry_uuid):
    entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.TRANSLATE)
    language = request.GET.get("language", "")
    existing = entry.texts.filter(language=language).exclude(
        language=entry.original_language).first() if language else None
    initial = {"language": language, "version": entry.version}
    if existing:
        initial.update(title=existing.title, objectives=existing.objectives,
                       description=existing.description, findings=existing.findings)
    form = TranslationForm(request.POST or None, initial=initial,
                           original=entry.original_language)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: services.translation_save(
            actor=request.user, entry=entry, language=form.cleaned_data["language"],
            expected_version=form.cleaned_data["version"], **form.text_values()))
        if done:
            chosen = form.cleaned_data["language"]
            messages.success(request, _("Translation saved."))
            return redirect(f"{_detail_url(entry)}?language={chosen}")
    return render(request, "knowledge/entries/translation.html", {
        "form": form, "entry": entry, "existing": existing,
        "original": selectors.reader_text(entry, entry.original_language)}, status=status)


@require_POST
def translation_delete(request, entry_uuid, language):
    entry, grant = get_entry_for_user(request.user, entry_uuid, EntryAction.TRANSLATE)
    form = VersionOnlyForm(request.POST)
    done, status = (apply_service(form, lambda: services.translation_delete(
        actor=request.user, entry=entry, language=language,
        expected_version=form.cleaned_data["version"])) if form.is_valid() else (None, 200))
    if not done:
        # The page again, with the reason (a stale page: 409).
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _detail(request, entry, grant, status=status)
    messages.success(request, _("Translation removed."))
    return redirect("knowledge:entry_detail", entry.uuid)


@require_http_methods(["GET", "POST"])
def entry_link(request, entry_uuid):
    entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.LINK)
    linked = list(entry.interventions.select_related("jurisdiction"))
    offered = selectors.active_interventions()
    offered += [i for i in linked if i not in offered]
    form = LinkForm(request.POST or None, interventions=offered, initial={
        "interventions": [str(i.uuid) for i in linked], "version": entry.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = apply_service(form, lambda: services.entry_link_interventions(
            actor=request.user, entry=entry, interventions=form.cleaned_data["interventions"],
            expected_version=form.cleaned_data["version"]))
        if done:
            messages.success(request, _("Interventions saved."))
            return redirect("knowledge:entry_detail", entry.uuid)
    return render(request, "knowledge/entries/link.html", {"form": form, "entry": entry},
                  status=status)


# --- the entry's page and its actions ----------------------------------------------------------

def _detail_url(entry) -> str:
    return reverse("knowledge:entry_detail", args=[entry.uuid])


ACTIONS = (EntryAction.EDIT, EntryAction.DELETE, EntryAction.ATTACH, EntryAction.TRANSLATE,
           EntryAction.LINK, EntryAction.SUBMIT, EntryAction.REVIEW, EntryAction.PUBLISH,
           EntryAction.WITHDRAW)
FORMS = {"submit": (VersionOnlyForm, EntryAction.SUBMIT),
         "review": (ReviewForm, EntryAction.REVIEW),
         "return": (ReturnForm, EntryAction.REVIEW),
         "publish": (VersionOnlyForm, EntryAction.PUBLISH),
         "withdraw": (WithdrawForm, EntryAction.WITHDRAW),
         "delete": (VersionOnlyForm, EntryAction.DELETE)}


def _detail(request, entry, grant, *, status: int = 200, **given):
    can = {action: grant.can(action) for action in ACTIONS}
    forms = {}
    for name, (cls, action) in FORMS.items():
        if name in given:
            forms[name] = given[name]
        elif can[action]:
            forms[name] = cls(initial={"version": entry.version}, auto_id=f"{name}-%s")
    if can[EntryAction.ATTACH]:
        forms["attach"] = given.get("attach") or AttachForm(auto_id="attach-%s")
    context = selectors.entry_page(request.user, entry, request.GET.get("language"))
    context.update({"grant": grant, "can": can, "forms": forms,
                    "reviewer_may_publish": knowledge_reach(request.user).coordinator})
    if entry.kind == EntryKind.RECOMMENDATION and entry.status == EntryStatus.PUBLISHED:
        context["show_adoption"] = True
        context["adoption_rows"] = adoption_rows(entry)
        context["adoption_editable"] = editable_jurisdictions(request.user)
    return render(request, "knowledge/entries/detail.html", context, status=status)


def entry_detail(request, entry_uuid):
    entry, grant = get_entry_for_user(request.user, entry_uuid)
    return _detail(request, entry, grant)


def _act(request, entry_uuid, name: str, call, done_message: str, *, done_url=None):
    """One action's POST: the form, the service, back to the entry (or its page with the
    form's errors). The service re-checks the permission and says why it refuses."""
    entry, grant = get_entry_for_user(request.user, entry_uuid)
    cls, _action = FORMS[name]
    form = cls(request.POST, auto_id=f"{name}-%s")
    done, status = (apply_service(form, lambda: call(entry, form.cleaned_data))
                    if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, entry, grant, status=status, **{name: form})
    messages.success(request, done_message)
    return redirect(done_url or _detail_url(entry))


@require_POST
def entry_submit(request, entry_uuid):
    return _act(request, entry_uuid, "submit", lambda e, d: services.entry_submit(
        actor=request.user, entry=e, expected_version=d["version"]),
        _("Submitted for review. The knowledge editors of its jurisdiction are told."))


@require_POST
def entry_review(request, entry_uuid):
    return _act(request, entry_uuid, "review", lambda e, d: services.entry_review(
        actor=request.user, entry=e, expected_version=d["version"], note=d["note"],
        confirmed=d["confirm_no_person_data"]),
        _("Marked reviewed. A regional coordinator publishes it next."))


@require_POST
def entry_return(request, entry_uuid):
    return _act(request, entry_uuid, "return", lambda e, d: services.entry_return(
        actor=request.user, entry=e, expected_version=d["version"], note=d["note"],
        confirmed=d["confirm_no_person_data"]),
        _("Returned to the author with your note."))


@require_POST
def entry_publish(request, entry_uuid):
    return _act(request, entry_uuid, "publish", lambda e, d: services.entry_publish(
        actor=request.user, entry=e, expected_version=d["version"]),
        _("Published: everyone in the region can read it now."))


@require_POST
def entry_withdraw(request, entry_uuid):
    return _act(request, entry_uuid, "withdraw", lambda e, d: services.entry_withdraw(
        actor=request.user, entry=e, expected_version=d["version"], reason=d["reason"],
        confirmed=d["confirm_no_person_data"]),
        _("Withdrawn."))


@require_POST
def entry_delete(request, entry_uuid):
    return _act(request, entry_uuid, "delete", lambda e, d: services.entry_delete(
        actor=request.user, entry=e, expected_version=d["version"]) or True,
        _("Draft deleted."), done_url=f"{reverse('knowledge:entry_list')}?tab=mine")


# --- attachments -------------------------------------------------------------------------------

@require_POST
def attachment_add(request, entry_uuid):
    entry, grant = get_entry_for_user(request.user, entry_uuid, EntryAction.ATTACH)
    form = AttachForm(request.POST, request.FILES, auto_id="attach-%s")
    done, status = (apply_service(form, lambda: services.attachment_add(
        actor=request.user, entry=entry, upload=form.cleaned_data["file"],
        confirmed=form.cleaned_data["confirm_no_person_data"]))
        if form.is_valid() else (None, 200))
    if not done:
        return _detail(request, entry, grant, status=status, attach=form)
    messages.success(request, _("File attached: %(name)s") % {"name": done.file_name})
    return redirect("knowledge:entry_detail", entry.uuid)


@require_POST
def attachment_remove(request, entry_uuid, attachment_uuid):
    entry, _grant = get_entry_for_user(request.user, entry_uuid, EntryAction.ATTACH)
    attachment = selectors.attachment_of(entry, attachment_uuid)
    services.attachment_remove(actor=request.user, entry=entry, attachment=attachment)
    messages.success(request, _("File removed: %(name)s") % {"name": attachment.file_name})
    return redirect("knowledge:entry_detail", entry.uuid)


def attachment_download(request, entry_uuid, attachment_uuid):
    entry, _grant = get_entry_for_user(request.user, entry_uuid)
    attachment, data = selectors.attachment_download(request.user, entry, attachment_uuid)
    return file_response(attachment, data)


def file_response(attachment, data: bytes) -> HttpResponse:
    """The file as a download: never shown inline, never sniffed into another type."""
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(data))
    return response
