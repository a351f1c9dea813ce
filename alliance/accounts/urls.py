from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.me, name="me"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<str:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("sessions/<str:session_id>/end/", views.session_end, name="session_end"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
]
