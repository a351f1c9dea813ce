from django.urls import path

from . import views

app_name = "work"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("tasks/<uuid:task_uuid>/done/", views.task_done, name="task_done"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<uuid:notification_uuid>/read/", views.notification_read,
         name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
