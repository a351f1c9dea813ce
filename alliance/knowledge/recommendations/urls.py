"""The recommendation pages, under /knowledge/ (namespace "knowledge")."""

from django.urls import path

from . import views

urlpatterns = [
    path("recommendations/", views.recommendation_matrix, name="recommendation_matrix"),
    path("recommendations/export.csv", views.recommendation_export,
         name="recommendation_export"),
    path("recommendations/<uuid:entry_uuid>/<slug:jurisdiction_code>/", views.adoption_edit,
         name="adoption_edit"),
]
