"""The agreement pages and the disclosure log, under /coordination/ (namespace coordination)."""

from django.urls import path

from . import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<uuid:agreement_uuid>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<uuid:agreement_uuid>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<uuid:agreement_uuid>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<uuid:agreement_uuid>/terminate/", views.agreement_terminate,
         name="agreement_terminate"),
    path("agreements/<uuid:agreement_uuid>/reviewed/", views.agreement_reviewed,
         name="agreement_reviewed"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/export.csv", views.disclosures_export, name="disclosures_export"),
]
