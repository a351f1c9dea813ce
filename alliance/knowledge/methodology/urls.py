"""The methodology pages, under /knowledge/ (namespace "knowledge")."""

from django.urls import path

from . import views

urlpatterns = [
    path("methodology/", views.methodology_list, name="methodology_list"),
    path("methodology/new/", views.methodology_new, name="methodology_new"),
    path("methodology/<uuid:methodology_uuid>/", views.methodology_detail,
         name="methodology_detail"),
    path("methodology/<uuid:methodology_uuid>/versions/new/", views.version_start,
         name="methodology_version_start"),
    path("methodology/<uuid:methodology_uuid>/changes/", views.methodology_changes,
         name="methodology_changes"),
    path("methodology/versions/<uuid:version_uuid>/", views.version_detail,
         name="methodology_version"),
    path("methodology/versions/<uuid:version_uuid>/pdf/", views.version_pdf,
         name="methodology_version_pdf"),
    path("methodology/versions/<uuid:version_uuid>/approve/", views.version_approve,
         name="methodology_version_approve"),
    path("methodology/versions/<uuid:version_uuid>/chapters/new/", views.chapter_new,
         name="methodology_chapter_new"),
    path("methodology/chapters/<uuid:chapter_uuid>/edit/", views.chapter_edit,
         name="methodology_chapter_edit"),
    path("methodology/chapters/<uuid:chapter_uuid>/move/", views.chapter_move,
         name="methodology_chapter_move"),
    path("methodology/chapters/<uuid:chapter_uuid>/delete/", views.chapter_delete,
         name="methodology_chapter_delete"),
]
