"""The monitoring pages, under /monitoring/ (namespace "monitoring")."""

from django.urls import path, register_converter

from . import views


class ExportFormat:
    """The format of an export: csv or xlsx (anything else: 404)."""

    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export_format")

app_name = "monitoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("agency/<uuid:agency_uuid>/", views.agency, name="agency"),
    path("agency/<uuid:agency_uuid>/export.<export_format:fmt>", views.agency_export,
         name="agency_export"),
    path("agency/<uuid:agency_uuid>/recompute/", views.recompute, name="recompute"),
    path("region/", views.region, name="region"),
    path("region/export.<export_format:fmt>", views.region_export, name="region_export"),
    path("region/report.pdf", views.report, name="report"),
    path("jurisdiction/<str:code>/", views.jurisdiction, name="jurisdiction"),
    path("jurisdiction/<str:code>/export.<export_format:fmt>", views.jurisdiction_export,
         name="jurisdiction_export"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
]
