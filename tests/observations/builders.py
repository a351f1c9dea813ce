"""Lazy builders of dynamic-security records on the suite's `world` (tests/conftest.py), for
the authorization matrix, the canary walk and the tests: each builds once per world and returns
the same object after (as tests/plans/builders.py).

  security_new(w)       an observation of person A by security A, not yet reviewed
  security_reviewed(w)  another, reviewed by analyst A
  own_new(w)            an observation of person A by treatment A (an observer outside the
                        security compartment), not yet reviewed
  own_reviewed(w)       another by treatment A, reviewed by analyst A
  link(w)               security_reviewed linked to a third reviewed observation, by analyst A
  analysis(w)           analyst A's analysis of security_reviewed
  case_team(w)          probation on person A's case team with the identity scope, the NGO
                        worker with none (as in the canary walk)
  summary(w)            a summary of person A shared by analyst A with treatment A (named) for
                        thirty days, drawing on security_reviewed and the analysis
"""

import datetime

from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.cases import services as case_services
from alliance.core.compartments import Compartment
from alliance.observations import services


def _once(w, name, build):
    if not hasattr(w, name):
        setattr(w, name, build())
    return getattr(w, name)


def observe(w, actor, *, verbatim="Said he would not go to the workshop.", context="",
            opinion="", indicators=(), category="behaviour", handling="1", person=None,
            hours_ago=1):
    """An observation of person A (or `person`) by `actor`, graded B/2/`handling` (5×5×5)."""
    return services.observation_record(
        actor=actor, person=person or w.person_a,
        observed_at=timezone.now() - datetime.timedelta(hours=hours_ago), category=category,
        verbatim=verbatim, context=context, opinion=opinion, source_reliability="B",
        information_assessment="2", handling_code=handling, indicators=indicators)


def review(w, observation, feedback=""):
    return services.observation_review(actor=w.analyst_a, observation=observation,
                                       expected_version=observation.version, feedback=feedback)


def share(w, *, summary="He keeps to himself; no concern for the visits.", recipients=None,
          roles=(), observations=(), analysis=None, days=30, person=None):
    """A summary of person A (or `person`) shared by analyst A, with treatment A by default."""
    return services.share_create(
        actor=w.analyst_a, person=person or w.person_a, summary=summary,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        recipients=[w.treatment_a] if recipients is None else recipients, roles=roles,
        observations=observations, analysis=analysis)


def case_team(w):
    def build():
        for user, scopes, team_role in (
                (w.probation_officer, [Compartment.IDENTITY], "Probation"),
                (w.ngo_worker, [], "Mentor")):
            case_services.team_member_add(actor=w.manager_a, case=w.case_a, scopes=scopes,
                                          team_role=team_role,
                                          membership=Membership.objects.get(user=user))
        return True
    _once(w, "_security_case_team", build)
    return w


def security_new(w):
    return _once(w, "obs_security_new", lambda: observe(w, w.security_a))


def security_reviewed(w):
    return _once(w, "obs_security_reviewed",
                 lambda: review(w, observe(w, w.security_a, hours_ago=3)))


def own_new(w):
    return _once(w, "obs_own_new", lambda: observe(w, w.treatment_a, category="positive"))


def own_reviewed(w):
    return _once(w, "obs_own_reviewed",
                 lambda: review(w, observe(w, w.treatment_a, hours_ago=5)))


def link(w):
    def build():
        other = review(w, observe(w, w.security_a, hours_ago=7))
        return services.observation_link(actor=w.analyst_a, observation=security_reviewed(w),
                                         other=other, note="Same visitor both times.")
    return _once(w, "obs_link", build)


def analysis(w):
    return _once(w, "obs_analysis", lambda: services.analysis_save(
        actor=w.analyst_a, person=w.person_a, text="A pattern of withdrawal before visits.",
        observations=[security_reviewed(w)]))


def summary(w):
    return _once(w, "obs_summary", lambda: share(
        w, observations=[security_reviewed(w)], analysis=analysis(w)))
