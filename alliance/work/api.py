"""REST API for tasks and notifications: the same policies, services and audit as the pages.

Lists show only the caller's own (and their roles') tasks and their own notifications, and are
logged as one consultation naming the references on the page.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.core.api import ChoiceFilter, ListQuery, Pagination

from . import selectors, services
from .access import NotificationAction, TaskAction, get_notification_for_user, get_task_for_user
from .models import TaskStatus
from .selectors import Due

TAGS = ["work"]


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else None


class AssigneeSerializer(serializers.Serializer):
    user = serializers.CharField(allow_null=True, help_text="User name, for a task of one user.")
    agency = serializers.UUIDField(allow_null=True, help_text="For a task of a role: its agency.")
    agency_name = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_blank=True, help_text="For a task of a role: the role code.")


class TaskSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    kind = serializers.CharField(help_text="A stable code, e.g. reassessment_due.")
    title = serializers.CharField(help_text="In the request's language.")
    person = serializers.UUIDField(source="person.uuid", allow_null=True, default=None)
    person_reference = serializers.CharField(source="person.reference", allow_null=True,
                                             default=None)
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    status = serializers.CharField(help_text="open, done or cancelled.")
    assignee = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="Where the work is done, or null.")
    source_type = serializers.CharField()
    source_uuid = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it back to mark the task done.")

    @extend_schema_field(AssigneeSerializer)
    def get_assignee(self, task):
        agency = task.assignee_agency
        return {"user": task.assignee.get_username() if task.assignee else None,
                "agency": agency.uuid if agency else None,
                "agency_name": agency.name if agency else None, "role": task.assignee_role}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, task):
        return _absolute(self.context["request"], task.link)


class TaskListQuery(ListQuery):
    status = ChoiceFilter(TaskStatus.choices, help_text="open (the default), done or cancelled.")
    due = ChoiceFilter([(d, d) for d in Due.ALL],
                       help_text="overdue, today, week (the next seven days) or later.")


def _tasks_with_assignee(queryset):
    return queryset.select_related("assignee")


class TaskList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[TaskListQuery], responses=TaskSerializer(many=True),
                   description="Your own tasks and your roles' tasks, soonest due first.")
    def get(self, request):
        query = TaskListQuery.validated(request)
        today = timezone.localdate()
        tasks = selectors.tasks_for_list(request.user, status=query["status"] or TaskStatus.OPEN,
                                         due=query["due"], today=today)
        pagination = self.pagination_class()
        rows = selectors.decorate_tasks(
            pagination.paginate_queryset(_tasks_with_assignee(tasks), request, view=self),
            request.user, today)
        selectors.log_consultation(request.user, rows, "tasks", page=pagination.page.number,
                                   filters=query)
        return pagination.get_paginated_response(
            TaskSerializer(rows, many=True, context={"request": request}).data)


class TaskDoneSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; 409 if it changed.")


class TaskDone(APIView):
    @extend_schema(tags=TAGS, request=TaskDoneSerializer, responses=TaskSerializer,
                   description="Mark your task (or your role's) done.")
    def post(self, request, task_uuid):
        task, _grant = get_task_for_user(request.user, task_uuid, TaskAction.MARK_DONE)
        data = TaskDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_done(actor=request.user, task=task,
                                  expected_version=data.validated_data["version"])
        row = selectors.decorate_tasks([task], request.user, timezone.localdate())[0]
        return Response(TaskSerializer(row, context={"request": request}).data)


class NotificationSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    kind = serializers.CharField(help_text="A stable code, e.g. assessment_returned.")
    text = serializers.CharField(help_text="In the request's language.")
    person = serializers.UUIDField(source="person.uuid", allow_null=True, default=None)
    person_reference = serializers.CharField(source="person.reference", allow_null=True,
                                             default=None)
    target_type = serializers.CharField(allow_blank=True)
    target_uuid = serializers.UUIDField(allow_null=True)
    url = serializers.SerializerMethodField(
        help_text="The target's own page; whether you may open it is decided there.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, notification):
        return _absolute(self.context["request"], notification.link)


class NotificationListQuery(ListQuery):
    unread = serializers.BooleanField(required=False, default=False,
                                      help_text="Only the unread ones.")


class NotificationList(APIView):
    pagination_class = Pagination

    @extend_schema(tags=TAGS, parameters=[NotificationListQuery],
                   responses=NotificationSerializer(many=True),
                   description="Your notifications, unread first, newest first.")
    def get(self, request):
        query = NotificationListQuery.validated(request)
        pagination = self.pagination_class()
        rows = selectors.decorate_notifications(pagination.paginate_queryset(
            selectors.notifications_for_list(request.user, unread_only=query["unread"]),
            request, view=self))
        selectors.log_consultation(request.user, rows, "notifications",
                                   page=pagination.page.number)
        return pagination.get_paginated_response(
            NotificationSerializer(rows, many=True, context={"request": request}).data)


class NotificationRead(APIView):
    @extend_schema(tags=TAGS, request=None, responses=NotificationSerializer,
                   description="Mark your notification read.")
    def post(self, request, notification_uuid):
        notification, _grant = get_notification_for_user(request.user, notification_uuid,
                                                         NotificationAction.MARK_READ)
        notification = services.notification_read(actor=request.user, notification=notification)
        row = selectors.decorate_notifications([notification])[0]
        return Response(NotificationSerializer(row, context={"request": request}).data)
