"""The conference pages, under /coordination/ (namespace "coordination")."""

from django.urls import path

from . import views

urlpatterns = [
    path("persons/<uuid:person_uuid>/conferences/", views.conference_list,
         name="conference_list"),
    path("persons/<uuid:person_uuid>/conferences/new/", views.conference_new,
         name="conference_new"),
    path("conferences/<uuid:conference_uuid>/", views.conference_detail,
         name="conference_detail"),
    path("conferences/<uuid:conference_uuid>/minutes/", views.conference_minutes,
         name="conference_minutes"),
    path("conferences/<uuid:conference_uuid>/edit/", views.conference_edit,
         name="conference_edit"),
    path("conferences/<uuid:conference_uuid>/cancel/", views.conference_cancel,
         name="conference_cancel"),
    path("conferences/<uuid:conference_uuid>/minutes.pdf", views.conference_pdf,
         name="conference_pdf"),
    path("actions/<uuid:action_uuid>/close/", views.action_close, name="action_close"),
]
