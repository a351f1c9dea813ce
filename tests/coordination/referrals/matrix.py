"""Authorization matrix rows of the referral pages and API (tests/matrix.py), for
tests/test_authorization_matrix.py to add to MATRIX (test_matrix.py here runs them too).

In the matrix the NGO worker is on person A's case team (placed by the NGO). The referrals here
go from prison A to probation: prison A's staff who hold the case team's share are the sending
side (200 on the referral; 403 on the receiving side's actions), the probation officer is the
receiving side (a draft is not theirs: 404), everyone else gets 404. Writes carry no body (the
form comes back with its errors: 200; the API answers 400), or a stale version (409) where an
empty body would already do the work. Sending is for the case's record keepers: manager A.
"""

from django.urls import reverse

from alliance.coordination.referrals import services

from ...matrix import Row, only

PRISON = {"treatment_a": 200, "security_a": 200, "manager_a": 200}
CASEWORK = {"*": 200, "regional_coordinator": 403, "dpo": 403, "admin": 403}
STALE = {"version": 999}


def _referral(w, name, *, send=True, accept=False):
    if not hasattr(w, name):
        referral = services.referral_create(
            actor=w.manager_a, person=w.person_a, to_agency=w.probation, kind="supervision",
            reason="Supervision after release", results=["Reports weekly"], send=send)
        if accept:
            referral = services.referral_accept(actor=w.probation_officer, referral=referral,
                                                worker=w.probation_officer,
                                                expected_version=referral.version)
        setattr(w, name, referral)
    return getattr(w, name)


def sent(w):
    return _referral(w, "referral_sent")


def draft(w):
    return _referral(w, "referral_draft", send=False)


def accepted(w):
    return _referral(w, "referral_accepted", accept=True)


def page(name, obj):
    return lambda w: reverse(f"coordination:{name}", args=[obj(w).uuid])


def api(name, obj):
    return lambda w: reverse(f"api:{name}", args=[obj(w).uuid])


RECEIVER = only({"treatment_a": 403, "security_a": 403, "manager_a": 403,
                 "probation_officer": 200}, 404)
RECEIVER_API = {**RECEIVER, "probation_officer": 400, "anonymous": 401}

ROWS = {
    "coordination:referral_inbox": Row(lambda w: reverse("coordination:referral_inbox"),
                                       {**CASEWORK, "anonymous": 302}),
    "coordination:referral_figures": Row(lambda w: reverse("coordination:referral_figures"),
                                         {**CASEWORK, "anonymous": 302}),
    "coordination:referral_new": Row(
        lambda w: reverse("coordination:referral_new", args=[w.person_a.uuid]),
        only({**PRISON, "ngo_worker": 200}, 404)),
    "coordination:referral_detail": Row(page("referral_detail", sent),
                                        only({**PRISON, "probation_officer": 200}, 404)),
    "coordination:referral_edit": Row(page("referral_edit", draft), only(PRISON, 404)),
    "coordination:referral_send": Row(page("referral_send", draft),
                                      only({"treatment_a": 403, "security_a": 403,
                                            "manager_a": 409}, 404),
                                      method="post", data=STALE),
    "coordination:referral_accept": Row(page("referral_accept", sent), RECEIVER, method="post"),
    "coordination:referral_decline": Row(page("referral_decline", sent), RECEIVER,
                                         method="post"),
    "coordination:referral_start": Row(page("referral_start", accepted),
                                       {**RECEIVER, "probation_officer": 409}, method="post",
                                       data=STALE),
    "coordination:referral_complete": Row(page("referral_complete", accepted), RECEIVER,
                                          method="post"),
    "coordination:referral_withdraw": Row(page("referral_withdraw", sent),
                                          only({**PRISON, "probation_officer": 403}, 404),
                                          method="post"),
    "api:referral-list": Row(lambda w: reverse("api:referral-list"),
                             {**CASEWORK, "anonymous": 401}),
    "api:referral-detail": Row(api("referral-detail", sent),
                               only({**PRISON, "probation_officer": 200}, 404, 401)),
    "api:referral-accept": Row(api("referral-accept", sent), RECEIVER_API, method="post"),
    "api:referral-decline": Row(api("referral-decline", sent), RECEIVER_API, method="post"),
    "api:referral-complete": Row(api("referral-complete", accepted), RECEIVER_API,
                                 method="post"),
}
