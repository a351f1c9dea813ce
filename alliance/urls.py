from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from alliance.cases import api as cases_api
from alliance.core import views as core_views
from alliance.people import api as people_api

from .admin_site import configure_admin

configure_admin(admin.site)

api_v1 = [
    path("persons/", people_api.PersonList.as_view(), name="person-list"),
    path("persons/<uuid:person_uuid>/", people_api.PersonDetail.as_view(), name="person-detail"),
    path("cases/", cases_api.CaseList.as_view(), name="case-list"),
    path("cases/<uuid:case_uuid>/", cases_api.CaseDetail.as_view(), name="case-detail"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots, name="robots"),
    path("overview/", core_views.overview, name="overview"),
    path("audit/", core_views.audit_list, name="audit"),
    path("audit/export.csv", core_views.audit_export, name="audit_export"),
    path("audit/verify/", core_views.audit_verify, name="audit_verify"),
    path("people/", include("alliance.people.urls")),
    path("cases/", include("alliance.cases.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
]

handler403 = "alliance.core.errorviews.permission_denied"
handler404 = "alliance.core.errorviews.page_not_found"
handler500 = "alliance.core.errorviews.server_error"
