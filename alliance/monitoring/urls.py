from django.urls import path  # noqa: F401 - the pages helper fills this

app_name = "monitoring"
urlpatterns: list = []
