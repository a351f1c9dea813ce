"""The training pages: /training/ (namespace "training")."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff, name="staff"),
    path("staff/export/", views.staff_export, name="staff_export"),
    path("me/", views.mine, name="mine"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:session_uuid>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:session_uuid>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:session_uuid>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<uuid:session_uuid>/attendees/", views.session_attendees,
         name="session_attendees"),
    path("sessions/<uuid:session_uuid>/results/", views.session_results,
         name="session_results"),
]
