from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from alliance.assessments import api as assessments_api
from alliance.cases import api as cases_api
from alliance.coordination import api as coordination_api
from alliance.knowledge import api as knowledge_api
from alliance.monitoring import api as monitoring_api
from alliance.observations import api as observations_api
from alliance.people import api as people_api
from alliance.plans import api as plans_api
from alliance.release import api as release_api
from alliance.site import api_docs
from alliance.site import views as site_views
from alliance.work import api as work_api

from .admin_site import configure_admin

configure_admin(admin.site)

api_v1 = [
    path("persons/", people_api.PersonList.as_view(), name="person-list"),
    path("persons/<uuid:person_uuid>/", people_api.PersonDetail.as_view(), name="person-detail"),
    path("cases/", cases_api.CaseList.as_view(), name="case-list"),
    path("cases/<uuid:case_uuid>/", cases_api.CaseDetail.as_view(), name="case-detail"),
    path("instruments/", assessments_api.InstrumentList.as_view(), name="instrument-list"),
    path("instruments/<uuid:version_uuid>/", assessments_api.InstrumentDetail.as_view(),
         name="instrument-detail"),
    path("persons/<uuid:person_uuid>/screenings/", assessments_api.PersonScreenings.as_view(),
         name="person-screenings"),
    path("persons/<uuid:person_uuid>/assessments/", assessments_api.PersonAssessments.as_view(),
         name="person-assessments"),
    path("assessments/<uuid:assessment_uuid>/", assessments_api.AssessmentDetail.as_view(),
         name="assessment-detail"),
    path("assessments/<uuid:assessment_uuid>/items/<str:item_code>/",
         assessments_api.AssessmentItem.as_view(), name="assessment-item"),
    path("assessments/<uuid:assessment_uuid>/factors/", assessments_api.AssessmentFactors.as_view(),
         name="assessment-factors"),
    path("assessments/<uuid:assessment_uuid>/factors/<uuid:factor_uuid>/",
         assessments_api.AssessmentFactor.as_view(), name="assessment-factor"),
    path("assessments/<uuid:assessment_uuid>/submit/", assessments_api.AssessmentSubmit.as_view(),
         name="assessment-submit"),
    path("assessments/<uuid:assessment_uuid>/countersign/",
         assessments_api.AssessmentCountersign.as_view(), name="assessment-countersign"),
    path("assessments/<uuid:assessment_uuid>/return/", assessments_api.AssessmentReturn.as_view(),
         name="assessment-return"),
    path("tasks/", work_api.TaskList.as_view(), name="task-list"),
    path("tasks/<uuid:task_uuid>/done/", work_api.TaskDone.as_view(), name="task-done"),
    path("notifications/", work_api.NotificationList.as_view(), name="notification-list"),
    path("notifications/<uuid:notification_uuid>/read/", work_api.NotificationRead.as_view(),
         name="notification-read"),
    path("interventions/", plans_api.InterventionList.as_view(), name="intervention-list"),
    path("interventions/<uuid:intervention_uuid>/", plans_api.InterventionDetail.as_view(),
         name="intervention-detail"),
    path("persons/<uuid:person_uuid>/plans/", plans_api.PersonPlans.as_view(),
         name="person-plans"),
    path("plans/<uuid:plan_uuid>/", plans_api.PlanDetail.as_view(), name="plan-detail"),
    path("plans/<uuid:plan_uuid>/goals/", plans_api.PlanGoals.as_view(), name="plan-goals"),
    path("plans/<uuid:plan_uuid>/goals/<uuid:goal_uuid>/steps/", plans_api.PlanSteps.as_view(),
         name="plan-steps"),
    path("plans/<uuid:plan_uuid>/submit/", plans_api.PlanSubmit.as_view(), name="plan-submit"),
    path("plans/<uuid:plan_uuid>/countersign/", plans_api.PlanCountersign.as_view(),
         name="plan-countersign"),
    path("plans/<uuid:plan_uuid>/return/", plans_api.PlanReturn.as_view(), name="plan-return"),
    path("plans/<uuid:plan_uuid>/revise/", plans_api.PlanRevise.as_view(), name="plan-revise"),
    path("plans/<uuid:plan_uuid>/review/", plans_api.PlanReview.as_view(), name="plan-review"),
    path("persons/<uuid:person_uuid>/enrolments/", plans_api.PersonEnrolments.as_view(),
         name="person-enrolments"),
    path("enrolments/<uuid:enrolment_uuid>/sessions/", plans_api.EnrolmentSessions.as_view(),
         name="enrolment-sessions"),
    path("persons/<uuid:person_uuid>/sessions/", plans_api.PersonSessions.as_view(),
         name="person-sessions"),
    path("sessions/<uuid:session_uuid>/", plans_api.SessionDetail.as_view(),
         name="session-detail"),
    path("persons/<uuid:person_uuid>/refusals/", plans_api.PersonRefusals.as_view(),
         name="person-refusals"),
    path("persons/<uuid:person_uuid>/motivation/", plans_api.PersonMotivation.as_view(),
         name="person-motivation"),
    path("persons/<uuid:person_uuid>/alliance-measures/",
         plans_api.PersonAllianceMeasures.as_view(), name="person-alliance-measures"),
    path("persons/<uuid:person_uuid>/observations/", observations_api.PersonObservations.as_view(),
         name="person-observations"),
    path("observations/<uuid:observation_uuid>/", observations_api.ObservationDetail.as_view(),
         name="observation-detail"),
    path("observations/<uuid:observation_uuid>/shares/",
         observations_api.ObservationShares.as_view(), name="observation-shares"),
    path("shared-summaries/", observations_api.SharedSummaryList.as_view(),
         name="shared-summary-list"),
    path("persons/<uuid:person_uuid>/release-steps/", release_api.PersonReleaseSteps.as_view(),
         name="person-release-steps"),
    path("release-steps/<uuid:step_uuid>/", release_api.ReleaseStepDetail.as_view(),
         name="release-step-detail"),
    path("persons/<uuid:person_uuid>/support-plan/", release_api.PersonSupportPlan.as_view(),
         name="person-support-plan"),
    path("persons/<uuid:person_uuid>/follow-ups/", release_api.PersonFollowUps.as_view(),
         name="person-follow-ups"),
    path("follow-ups/<uuid:follow_up_uuid>/", release_api.FollowUpDetail.as_view(),
         name="follow-up-detail"),
    path("handovers/", release_api.HandoverList.as_view(), name="handover-list"),
    path("handovers/<uuid:handover_uuid>/", release_api.HandoverDetail.as_view(),
         name="handover-detail"),
    path("handovers/<uuid:handover_uuid>/acknowledge/", release_api.HandoverAcknowledge.as_view(),
         name="handover-acknowledge"),
    path("handovers/<uuid:handover_uuid>/withdraw/", release_api.HandoverWithdraw.as_view(),
         name="handover-withdraw"),
    *coordination_api.urls,
    *knowledge_api.urls,
    *monitoring_api.urls,
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("robots.txt", site_views.robots, name="robots"),
    path("overview/", site_views.overview, name="overview"),
    path("audit/", site_views.audit_list, name="audit"),
    path("privacy/", include("alliance.privacy.urls")),
    path("audit/export.csv", site_views.audit_export, name="audit_export"),
    path("audit/verify/", site_views.audit_verify, name="audit_verify"),
    path("people/", include("alliance.people.urls")),
    path("cases/", include("alliance.cases.urls")),
    path("assessments/", include("alliance.assessments.urls")),
    path("plans/", include("alliance.plans.urls")),
    path("security/", include("alliance.observations.urls")),
    path("release/", include("alliance.release.urls")),
    path("coordination/", include("alliance.coordination.urls")),
    path("knowledge/", include("alliance.knowledge.urls")),
    path("training/", include("alliance.knowledge.training.urls")),
    path("monitoring/", include("alliance.monitoring.urls")),
    path("work/", include("alliance.work.urls")),
    path("retention/", include("alliance.retention.urls")),
    path("me/", include("alliance.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Open to everyone: the language is chosen on the sign-in page too, before anyone is known.
    # POST only (Django's view would answer a GET with a redirect); the CSRF middleware checks
    # the token, and set_language follows `next` only to this site (else to "/").
    path("i18n/setlang/", login_not_required(require_POST(set_language)), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", api_docs.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.api_docs, name="api-docs"),
]

handler400 = "alliance.core.errorviews.bad_request"
handler403 = "alliance.core.errorviews.permission_denied"
handler404 = "alliance.core.errorviews.page_not_found"
handler500 = "alliance.core.errorviews.server_error"
