from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("people/<uuid:person_uuid>/screen/", views.screening_create, name="screen"),
    path("people/<uuid:person_uuid>/new/", views.assessment_start, name="start"),
    path("screenings/<uuid:screening_uuid>/", views.screening_detail, name="screening"),
    path("<uuid:assessment_uuid>/", views.assessment_detail, name="detail"),
    path("<uuid:assessment_uuid>/rate/", views.rate_start, name="rate"),
    path("<uuid:assessment_uuid>/rate/<str:domain_code>/", views.rate_domain, name="rate_domain"),
    path("<uuid:assessment_uuid>/rate/<str:domain_code>/judgement/", views.domain_judgement,
         name="domain_judgement"),
    path("<uuid:assessment_uuid>/items/<str:item_code>/", views.rate_item, name="rate_item"),
    path("<uuid:assessment_uuid>/factors/add/<str:domain_code>/", views.factor_add,
         name="factor_add"),
    path("<uuid:assessment_uuid>/factors/<uuid:factor_uuid>/", views.factor_update,
         name="factor_update"),
    path("<uuid:assessment_uuid>/factors/<uuid:factor_uuid>/remove/", views.factor_remove,
         name="factor_remove"),
    path("<uuid:assessment_uuid>/sources/", views.add_source, name="add_source"),
    path("<uuid:assessment_uuid>/sources/<int:index>/remove/", views.remove_source,
         name="remove_source"),
    path("<uuid:assessment_uuid>/judgement/", views.update_summary, name="summary"),
    path("<uuid:assessment_uuid>/co-assessors/", views.invite_co_assessor, name="invite"),
    path("<uuid:assessment_uuid>/submit/", views.submit, name="submit"),
    path("<uuid:assessment_uuid>/countersign/", views.countersign, name="countersign"),
    path("<uuid:assessment_uuid>/return/", views.return_assessment, name="return"),
    path("<uuid:assessment_uuid>/correct/", views.correct, name="correct"),
    path("<uuid:assessment_uuid>/compare/", views.compare, name="compare"),
    path("<uuid:assessment_uuid>/pdf/", views.pdf, name="pdf"),
    path("instruments/", views.instruments, name="instruments"),
    path("instruments/load/", views.instrument_load, name="instrument_load"),
]
