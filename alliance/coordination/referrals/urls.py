"""The referral pages, under /coordination/ (namespace "coordination")."""

from django.urls import path

from . import views

urlpatterns = [
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("referrals/figures/", views.referral_figures, name="referral_figures"),
    path("persons/<uuid:person_uuid>/referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_uuid>/", views.referral_detail, name="referral_detail"),
    path("referrals/<uuid:referral_uuid>/edit/", views.referral_edit, name="referral_edit"),
    path("referrals/<uuid:referral_uuid>/send/", views.referral_send, name="referral_send"),
    path("referrals/<uuid:referral_uuid>/accept/", views.referral_accept,
         name="referral_accept"),
    path("referrals/<uuid:referral_uuid>/decline/", views.referral_decline,
         name="referral_decline"),
    path("referrals/<uuid:referral_uuid>/start/", views.referral_start, name="referral_start"),
    path("referrals/<uuid:referral_uuid>/complete/", views.referral_complete,
         name="referral_complete"),
    path("referrals/<uuid:referral_uuid>/withdraw/", views.referral_withdraw,
         name="referral_withdraw"),
]
