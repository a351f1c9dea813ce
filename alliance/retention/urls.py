from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("reviews/<uuid:review_uuid>/", views.review, name="review"),
    path("periods/", views.periods, name="periods"),
    path("periods/<str:jurisdiction_code>/<slug:category>/", views.period_edit,
         name="period_edit"),
    path("erasures/", views.erasures, name="erasures"),
]
