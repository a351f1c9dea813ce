from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("subject-access/", views.find, name="find"),
    path("people/<uuid:person_uuid>/", views.person, name="person"),
    path("people/<uuid:person_uuid>/export/", views.download, name="download"),
    path("people/<uuid:person_uuid>/restrict/", views.restrict, name="restrict"),
    path("people/<uuid:person_uuid>/lift/", views.lift, name="lift"),
    path("purpose/<uuid:person_uuid>/", views.state_purpose, name="purpose"),
]
