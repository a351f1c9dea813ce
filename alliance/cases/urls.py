from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("open/<uuid:person_uuid>/", views.case_open, name="open"),
    path("<uuid:case_uuid>/close/", views.case_close, name="close"),
    path("<uuid:case_uuid>/team/add/", views.team_member_add, name="team_add"),
    path("<uuid:case_uuid>/team/<uuid:member_uuid>/end/", views.team_member_end,
         name="team_end"),
    path("<uuid:case_uuid>/manager/", views.case_manager, name="manager"),
    path("<uuid:case_uuid>/level/", views.management_level, name="level"),
]
