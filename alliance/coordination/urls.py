"""The coordination pages: /coordination/ (agreements and the disclosure log for DPOs and
administrators; referrals; case conferences). Each area keeps its own list of paths."""

from .agreements.urls import urlpatterns as agreement_paths
from .conferences.urls import urlpatterns as conference_paths
from .referrals.urls import urlpatterns as referral_paths

app_name = "coordination"

urlpatterns = [*agreement_paths, *referral_paths, *conference_paths]
