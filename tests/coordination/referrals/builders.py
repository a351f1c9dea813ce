"""Referrals made as the pages make them: manager A (prison A's record keeper and person A's
case manager) refers person A to the NGO, whose community provider answers."""

from alliance.coordination.referrals import services
from alliance.core.compartments import Compartment


def draft(w, *, to_agency=None, kind="intervention", scopes=(Compartment.IDENTITY,),
          results=("Attends the programme", "Finds stable housing"), actor=None, **extra):
    return services.referral_create(
        actor=actor or w.manager_a, person=w.person_a, to_agency=to_agency or w.ngo,
        kind=kind, reason="Needs a mentoring programme after release.", scopes=list(scopes),
        results=list(results), **extra)


def sent(w, **kwargs):
    return draft(w, send=True, **kwargs)


def accepted(w, **kwargs):
    referral = sent(w, **kwargs)
    return services.referral_accept(actor=w.ngo_worker, referral=referral, worker=w.ngo_worker,
                                    expected_version=referral.version)
