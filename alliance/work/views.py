from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliance.core.errors import Conflict

from . import selectors, services
from .access import NotificationAction, TaskAction, get_notification_for_user, get_task_for_user
from .selectors import Whose


class _VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1)


def _htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


def my_work(request):
    whose = request.GET.get("whose", Whose.ALL)
    if whose not in Whose.CHOICES:
        whose = Whose.ALL
    work = selectors.my_work(request.user, whose=whose)
    return render(request, "work/my_work.html", {"work": work, "whose": whose,
                                                 "whose_choices": _whose_choices()})


def _whose_choices():
    return [(Whose.ALL, _("All")), (Whose.MINE, _("Mine")), (Whose.ROLE, _("My role's"))]


@require_POST
def task_done(request, task_uuid):
    task, _grant = get_task_for_user(request.user, task_uuid, TaskAction.MARK_DONE)
    form = _VersionForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 422, _("Reload the page and try again.")
    else:
        try:
            services.task_done(actor=request.user, task=task,
                               expected_version=form.cleaned_data["version"])
        except Conflict as exc:
            status, error = 409, str(exc.message)
        except ValidationError as exc:
            status, error = 422, " ".join(exc.messages)
    if not _htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Task marked done."))
        return redirect("work:my_work")
    # The row as it is now (done, or changed by someone else), with the navigation's count.
    task.refresh_from_db()
    today = timezone.localdate()
    row = selectors.decorate_tasks([task], request.user, today)[0]
    return render(request, "work/_task_row.html", {"task": row, "error": error,
                                                   "saved": status == 200, "oob": True},
                  status=status)


def notifications(request):
    page, rows = selectors.notifications_page(request.user, request.GET.get("page"))
    return render(request, "work/notifications.html", {"page": page, "rows": rows})


@require_POST
def notification_read(request, notification_uuid):
    notification, _grant = get_notification_for_user(request.user, notification_uuid,
                                                     NotificationAction.MARK_READ)
    services.notification_read(actor=request.user, notification=notification)
    if not _htmx(request):
        return redirect("work:notifications")
    row = selectors.decorate_notifications([notification])[0]
    return render(request, "work/_notification_row.html", {"n": row, "oob": True})


@require_POST
def notifications_read_all(request):
    count = services.notifications_read_all(actor=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("work:notifications")
