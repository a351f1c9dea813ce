"""The meeting pages, under /knowledge/ (namespace "knowledge")."""

from django.urls import path

from . import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<uuid:meeting_uuid>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:meeting_uuid>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:meeting_uuid>/delete/", views.meeting_delete, name="meeting_delete"),
]
