from django.urls import path

from .views import engagement, plan

app_name = "plans"
urlpatterns = [
    # The plan (views/plan.py)
    path("people/<uuid:person_uuid>/plan/start/", plan.plan_start, name="plan_start"),
    path("<uuid:plan_uuid>/", plan.plan_detail, name="plan"),
    path("<uuid:plan_uuid>/edit/", plan.plan_update, name="plan_update"),
    path("<uuid:plan_uuid>/position/", plan.plan_position, name="plan_position"),
    path("<uuid:plan_uuid>/goals/", plan.goal_add, name="goal_add"),
    path("<uuid:plan_uuid>/goals/<uuid:goal_uuid>/", plan.goal_edit, name="goal_edit"),
    path("<uuid:plan_uuid>/goals/<uuid:goal_uuid>/remove/", plan.goal_remove,
         name="goal_remove"),
    path("<uuid:plan_uuid>/goals/<uuid:goal_uuid>/steps/", plan.step_add, name="step_add"),
    path("<uuid:plan_uuid>/steps/<uuid:step_uuid>/", plan.step_edit, name="step_edit"),
    path("<uuid:plan_uuid>/steps/<uuid:step_uuid>/remove/", plan.step_remove,
         name="step_remove"),
    path("<uuid:plan_uuid>/progress/", plan.progress, name="progress"),
    path("<uuid:plan_uuid>/submit/", plan.plan_submit, name="plan_submit"),
    path("<uuid:plan_uuid>/countersign/", plan.plan_countersign, name="plan_countersign"),
    path("<uuid:plan_uuid>/return/", plan.plan_return, name="plan_return"),
    path("<uuid:plan_uuid>/revise/", plan.plan_revise, name="plan_revise"),
    path("<uuid:plan_uuid>/review/", plan.plan_review, name="plan_review"),
    path("<uuid:plan_uuid>/pdf/", plan.plan_pdf, name="plan_pdf"),
    path("interventions/", plan.interventions, name="interventions"),
    # Engagement (views/engagement.py)
    path("people/<uuid:person_uuid>/enrol/", engagement.enrol, name="enrol"),
    path("enrolments/<uuid:enrolment_uuid>/", engagement.enrolment_detail, name="enrolment"),
    path("enrolments/<uuid:enrolment_uuid>/schedule/", engagement.schedule, name="schedule"),
    path("enrolments/<uuid:enrolment_uuid>/end/", engagement.enrolment_end,
         name="enrolment_end"),
    path("sessions/<uuid:session_uuid>/", engagement.session_detail, name="session"),
    path("sessions/<uuid:session_uuid>/record/", engagement.session_record,
         name="session_record"),
    path("people/<uuid:person_uuid>/sessions/", engagement.person_sessions,
         name="person_sessions"),
    path("people/<uuid:person_uuid>/offers/", engagement.offers, name="offers"),
    path("people/<uuid:person_uuid>/stage/", engagement.stage, name="stage"),
    path("people/<uuid:person_uuid>/alliance/", engagement.alliance_record,
         name="alliance_record"),
    path("alliance/<uuid:measure_uuid>/", engagement.alliance_measure, name="alliance_measure"),
    path("alliance/", engagement.alliance_trends, name="alliance_trends"),
    path("today/", engagement.sessions_today, name="sessions_today"),
    path("not-engaging/", engagement.not_engaging, name="not_engaging"),
]
