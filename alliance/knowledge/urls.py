"""The knowledge pages: /knowledge/ (entries and search, meetings, recommendations, the common
methodology). Each area keeps its own list of paths. Training is at /training/
(training/urls.py)."""

from .entries.urls import urlpatterns as entry_paths
from .meetings.urls import urlpatterns as meeting_paths
from .methodology.urls import urlpatterns as methodology_paths
from .recommendations.urls import urlpatterns as recommendation_paths

app_name = "knowledge"

urlpatterns = [*meeting_paths, *recommendation_paths, *methodology_paths, *entry_paths]
