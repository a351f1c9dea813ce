from django.urls import path

from .views import follow_up, handover, person, steps, support, worklist

app_name = "release"
urlpatterns = [
    # Across people (views/worklist.py)
    path("", worklist.worklist, name="worklist"),
    # The person's release page, the release itself and the PDF (views/person.py)
    path("people/<uuid:person_uuid>/", person.person_release, name="person"),
    path("people/<uuid:person_uuid>/released/", person.release_record, name="release_record"),
    path("people/<uuid:person_uuid>/plan.pdf", person.release_pdf, name="pdf"),
    # Steps (views/steps.py)
    path("steps/<uuid:step_uuid>/", steps.step_detail, name="step"),
    path("steps/<uuid:step_uuid>/not-applicable/", steps.step_not_applicable,
         name="step_not_applicable"),
    path("steps/<uuid:step_uuid>/reopen/", steps.step_reopen, name="step_reopen"),
    path("steps/<uuid:step_uuid>/agency/", steps.step_agency, name="step_agency"),
    # The support plan and supervision (views/support.py)
    path("people/<uuid:person_uuid>/support-plan/", support.support_plan, name="support_plan"),
    path("people/<uuid:person_uuid>/support-plan/start/", support.support_plan_start,
         name="support_plan_start"),
    path("support-plans/<uuid:plan_uuid>/edit/", support.support_plan_edit,
         name="support_plan_edit"),
    path("pathways/<uuid:entry_uuid>/edit/", support.pathway_edit, name="pathway_edit"),
    path("pathways/<uuid:entry_uuid>/actions/new/", support.action_add, name="action_add"),
    path("actions/<uuid:action_uuid>/edit/", support.action_edit, name="action_edit"),
    path("support-plans/<uuid:plan_uuid>/conditions/new/", support.condition_add,
         name="condition_add"),
    path("conditions/<uuid:condition_uuid>/end/", support.condition_end, name="condition_end"),
    path("support-plans/<uuid:plan_uuid>/contacts/new/", support.contact_add,
         name="contact_add"),
    path("support-plans/<uuid:plan_uuid>/breaches/new/", support.breach_add, name="breach_add"),
    # The handover (views/handover.py)
    path("people/<uuid:person_uuid>/handover/", handover.handover_new, name="handover_new"),
    path("handovers/<uuid:handover_uuid>/", handover.handover_detail, name="handover"),
    path("handovers/<uuid:handover_uuid>/acknowledge/", handover.handover_acknowledge,
         name="handover_acknowledge"),
    path("handovers/<uuid:handover_uuid>/withdraw/", handover.handover_withdraw,
         name="handover_withdraw"),
    # Follow-ups (views/follow_up.py)
    path("follow-ups/<uuid:follow_up_uuid>/", follow_up.follow_up_detail, name="follow_up"),
    path("follow-ups/<uuid:follow_up_uuid>/missed/", follow_up.follow_up_missed,
         name="follow_up_missed"),
]
