"""The methodology pages: the list, a methodology with its versions, a version with its
chapters and references, the chapter forms, approval, the change view and the PDF. Each view
fetches through access, calls a service and renders (services.py decides)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alliance.core.forms import apply_service

from . import pdf, selectors, services
from .access import (
    MethodologyAction,
    VersionAction,
    assembles,
    get_chapter_for_user,
    get_methodology_for_user,
    get_version_for_user,
    require_member,
)
from .forms import ApproveForm, ChapterForm, DeleteForm, MethodologyForm, MoveForm


def methodology_list(request):
    require_member(request.user)
    return render(request, "knowledge/methodology/list.html", {
        "page": selectors.methodology_page(request.user, request.GET.get("page")),
        "may_create": assembles(request.user)})


@require_http_methods(["GET", "POST"])
def methodology_new(request):
    require_member(request.user)
    if not assembles(request.user):
        raise PermissionDenied(_("A methodology is created by a regional coordinator."))
    form = MethodologyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        methodology, _status = apply_service(form, lambda: services.methodology_create(
            actor=request.user, title=data["title"], description=data["description"],
            confirmed=data["confirm_no_person_data"]))
        if methodology:
            messages.success(request, _("Methodology created, with version 1 as a draft: add "
                                        "its chapters."))
            return redirect("knowledge:methodology_detail", methodology.uuid)
    return render(request, "knowledge/methodology/new.html", {"form": form})


def methodology_detail(request, methodology_uuid):
    methodology, grant = get_methodology_for_user(request.user, methodology_uuid)
    return render(request, "knowledge/methodology/detail.html", {
        "methodology": methodology, "grant": grant,
        "may_start": grant.can(MethodologyAction.START_VERSION),
        **selectors.methodology_versions(request.user, methodology)})


@require_POST
def version_start(request, methodology_uuid):
    methodology, _grant = get_methodology_for_user(request.user, methodology_uuid,
                                                   MethodologyAction.START_VERSION)
    try:
        version = services.version_start(actor=request.user, methodology=methodology)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("knowledge:methodology_detail", methodology.uuid)
    messages.success(request, _("Version %(number)d started as a copy of the approved "
                                "version: change its chapters, then approve it.") % {
        "number": version.number})
    return redirect("knowledge:methodology_version", version.uuid)


def version_detail(request, version_uuid):
    version, grant = get_version_for_user(request.user, version_uuid)
    return render(request, "knowledge/methodology/version.html", {
        "version": version, "methodology": version.methodology, "grant": grant,
        "may_edit": grant.can(VersionAction.EDIT),
        "may_approve": grant.can(VersionAction.APPROVE),
        "previous": selectors.previous_version(request.user, version),
        **selectors.version_chapters(version)})


def version_pdf(request, version_uuid):
    version, _grant = get_version_for_user(request.user, version_uuid)
    return pdf.render_version(request, version)


@require_http_methods(["GET", "POST"])
def version_approve(request, version_uuid):
    version, _grant = get_version_for_user(request.user, version_uuid, VersionAction.APPROVE)
    form = ApproveForm(request.POST or None, initial={
        "version": version.version, "change_summary": version.change_summary})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, status = apply_service(form, lambda: services.version_approve(
            actor=request.user, version=version, expected_version=data["version"],
            change_summary=data["change_summary"], confirmed=data["confirm_no_person_data"]))
        if done:
            messages.success(request, _("Version %(number)d is approved; it can no longer be "
                                        "changed.") % {"number": version.number})
            return redirect("knowledge:methodology_version", version.uuid)
    return render(request, "knowledge/methodology/approve.html", {
        "version": version, "methodology": version.methodology, "form": form,
        "previous": selectors.previous_version(request.user, version),
        **selectors.version_chapters(version)}, status=status)


def _chapter_values(form) -> dict:
    data = form.cleaned_data
    return {"title": data["title"], "body": data["body"], "citations": data["citations"],
            "confirmed": data["confirm_no_person_data"]}


@require_http_methods(["GET", "POST"])
def chapter_new(request, version_uuid):
    version, _grant = get_version_for_user(request.user, version_uuid, VersionAction.EDIT)
    form = ChapterForm(request.POST or None, entries=selectors.citable_entries())
    if request.method == "POST" and form.is_valid():
        chapter, _status = apply_service(form, lambda: services.chapter_add(
            actor=request.user, version=version, **_chapter_values(form)))
        if chapter:
            messages.success(request, _("Chapter added."))
            return redirect("knowledge:methodology_version", version.uuid)
    return render(request, "knowledge/methodology/chapter_form.html", {
        "version": version, "methodology": version.methodology, "form": form,
        "chapter": None})


def _chapter_page(request, chapter, *, form=None, delete_form=None, status=200):
    """The chapter's edit page, with its removal form beside it (either may hold errors)."""
    version, stamp = chapter.methodology_version, chapter.version
    form = form or ChapterForm(entries=selectors.citable_entries(), initial={
        "title": chapter.title, "body": chapter.body, "version": stamp,
        "citations": [str(e.uuid) for e in chapter.citations.all()]})
    delete_form = delete_form or DeleteForm(initial={"version": stamp}, auto_id="delete-%s")
    return render(request, "knowledge/methodology/chapter_form.html", {
        "version": version, "methodology": version.methodology, "chapter": chapter,
        "form": form, "delete_form": delete_form}, status=status)


@require_http_methods(["GET", "POST"])
def chapter_edit(request, chapter_uuid):
    chapter, _grant = get_chapter_for_user(request.user, chapter_uuid, VersionAction.EDIT)
    if request.method == "GET":
        return _chapter_page(request, chapter)
    form = ChapterForm(request.POST, entries=selectors.citable_entries())
    done, status = (apply_service(form, lambda: services.chapter_update(
        actor=request.user, chapter=chapter, expected_version=form.cleaned_data["version"],
        **_chapter_values(form))) if form.is_valid() else (None, 200))
    if done:
        messages.success(request, _("Chapter saved."))
        return redirect(f"{_version_url(chapter.methodology_version)}#chapter-{chapter.key}")
    return _chapter_page(request, chapter, form=form, status=status)


def _version_url(version) -> str:
    return reverse("knowledge:methodology_version", args=[version.uuid])


@require_POST
def chapter_move(request, chapter_uuid):
    chapter, _grant = get_chapter_for_user(request.user, chapter_uuid, VersionAction.EDIT)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Move a chapter up or down."))
    else:
        try:
            services.chapter_move(actor=request.user, chapter=chapter,
                                  direction=form.cleaned_data["direction"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(f"{_version_url(chapter.methodology_version)}#chapter-{chapter.key}")


@require_POST
def chapter_delete(request, chapter_uuid):
    chapter, _grant = get_chapter_for_user(request.user, chapter_uuid, VersionAction.EDIT)
    form = DeleteForm(request.POST, auto_id="delete-%s")
    done, status = (apply_service(form, lambda: services.chapter_delete(
        actor=request.user, chapter=chapter, expected_version=form.cleaned_data["version"]))
        if form.is_valid() else (None, 200))
    if done:
        messages.success(request, _("Chapter “%(title)s” removed from this version.") % {
            "title": chapter.title})
        return redirect("knowledge:methodology_version", done.uuid)
    return _chapter_page(request, chapter, delete_form=form, status=status)


def _chosen(user, methodology, number):
    """A version chosen by its number in the address: 404 when the user does not see it."""
    version = selectors.version_by_number(user, methodology, number)
    if version is None:
        raise Http404(_("No such version of the methodology, or not one you may see."))
    return version


def methodology_changes(request, methodology_uuid):
    """What changed between two versions: ?to=<number> (by default the latest the reader sees)
    and ?from=<number> (by default the version `to` is based on)."""
    methodology, _grant = get_methodology_for_user(request.user, methodology_uuid)
    listing = selectors.methodology_versions(request.user, methodology)
    shown = listing["versions"]
    if not shown:
        raise Http404(_("No such version of the methodology, or not one you may see."))
    new = (_chosen(request.user, methodology, request.GET["to"]) if request.GET.get("to")
           else shown[0])
    old = (_chosen(request.user, methodology, request.GET["from"]) if request.GET.get("from")
           else selectors.previous_version(request.user, new))
    context = {"methodology": methodology, "versions": shown, "old": old, "new": new}
    if old is not None and old.pk != new.pk:
        context.update(selectors.changes(old, new))
    return render(request, "knowledge/methodology/changes.html", context)
