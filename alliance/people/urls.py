from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.person_create, name="create"),
    path("<uuid:person_uuid>/", views.person_detail, name="detail"),
    path("<uuid:person_uuid>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_uuid>/classification/", views.person_classify, name="classify"),
    path("<uuid:person_uuid>/custody/new/", views.custody_create, name="custody_create"),
    path("custody/<uuid:episode_uuid>/edit/", views.custody_edit, name="custody_edit"),
    path("custody/<uuid:episode_uuid>/key-dates/<slug:key_date>/", views.key_date_override,
         name="key_date_override"),
]
