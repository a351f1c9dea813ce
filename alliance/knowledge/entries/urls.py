"""The knowledge base's entry pages, under /knowledge/ (namespace "knowledge")."""

from django.urls import path

from . import views

E = "<uuid:entry_uuid>/"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("new/", views.entry_new, name="entry_new"),
    path(E, views.entry_detail, name="entry_detail"),
    path(E + "edit/", views.entry_edit, name="entry_edit"),
    path(E + "delete/", views.entry_delete, name="entry_delete"),
    path(E + "translation/", views.entry_translate, name="entry_translate"),
    path(E + "translation/<str:language>/delete/", views.translation_delete,
         name="translation_delete"),
    path(E + "interventions/", views.entry_link, name="entry_link"),
    path(E + "submit/", views.entry_submit, name="entry_submit"),
    path(E + "review/", views.entry_review, name="entry_review"),
    path(E + "return/", views.entry_return, name="entry_return"),
    path(E + "publish/", views.entry_publish, name="entry_publish"),
    path(E + "withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path(E + "attachments/", views.attachment_add, name="attachment_add"),
    path(E + "attachments/<uuid:attachment_uuid>/", views.attachment_download,
         name="attachment_download"),
    path(E + "attachments/<uuid:attachment_uuid>/remove/", views.attachment_remove,
         name="attachment_remove"),
]
