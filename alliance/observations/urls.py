from django.urls import path

from .views import analyst, observe, overview

app_name = "observations"
urlpatterns = [
    # Recording and one's own entries (views/observe.py)
    path("people/<uuid:person_uuid>/observe/", observe.record, name="record"),
    path("observations/<uuid:observation_uuid>/edit/", observe.observation_edit,
         name="observation_edit"),
    path("observations/<uuid:observation_uuid>/addendum/", observe.addendum, name="addendum"),
    path("mine/", observe.mine, name="mine"),
    # The analyst's work (views/analyst.py)
    path("observations/<uuid:observation_uuid>/review/", analyst.review, name="review"),
    path("observations/<uuid:observation_uuid>/link/", analyst.link, name="link"),
    path("links/<uuid:link_uuid>/remove/", analyst.unlink, name="unlink"),
    path("observations/<uuid:observation_uuid>/archive/", analyst.archive, name="archive"),
    path("people/<uuid:person_uuid>/analyses/new/", analyst.analysis_add, name="analysis_add"),
    path("analyses/<uuid:analysis_uuid>/", analyst.analysis_detail, name="analysis"),
    path("people/<uuid:person_uuid>/share/", analyst.share, name="share"),
    path("summaries/<uuid:summary_uuid>/withdraw/", analyst.withdraw, name="withdraw"),
    path("people/<uuid:person_uuid>/export/", analyst.export, name="export"),
    # Across people and the person's record (views/overview.py)
    path("", overview.dashboard, name="dashboard"),
    path("queue/", overview.queue, name="queue"),
    path("people/<uuid:person_uuid>/", overview.person_record, name="person_record"),
    path("observations/<uuid:observation_uuid>/", overview.observation_detail,
         name="observation"),
    path("summaries/<uuid:summary_uuid>/", overview.summary, name="summary"),
    path("shared/", overview.shared_with_me, name="shared"),
]
