"""Training sessions built through the services, for the training tests and the authorization
matrix's rows (which run on the common `world`: `trainer_of` gives it a trainer)."""

import datetime

from django.utils import timezone

from alliance.accounts.models import Role
from alliance.assessments.models import Course
from alliance.knowledge.training import services

from ...factories import member

INSTRUMENT = "alliance-risk-needs"


def course(name="Risk and needs assessment", instrument_code=INSTRUMENT, validity_months=36,
           booster_after_months=12) -> Course:
    return Course.objects.get_or_create(
        name=name, instrument_code=instrument_code,
        defaults={"validity_months": validity_months,
                  "booster_after_months": booster_after_months})[0]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def trainer_of(w):
    """The trainer at Jurisdiction One's prison administration (the `kb` fixture's, or one
    made for the common world)."""
    if not hasattr(w, "trainer"):
        w.trainer = member(w.admin_hq, Role.TRAINER, username="trainer")
    return w.trainer


def session(w, *, attendees=(), kind="certification", starts_on=None, the_course=None,
            agency=None, **fields):
    """A planned session of Jurisdiction One's prison administration, a week ago unless told,
    with `attendees`."""
    trainer = trainer_of(w)
    made = services.session_create(
        actor=trainer, agency=agency or w.admin_hq, course=the_course or course(), kind=kind,
        starts_on=starts_on or days(-7), place=fields.pop("place", "Training centre"),
        **fields)
    if attendees:
        made = services.attendees_set(actor=trainer, session=made, users=list(attendees),
                                      expected_version=made.version)
    return made


def record(w, made, results: dict, **kwargs):
    """Record `results` ({user: result, or (result, score)}) as the session's trainer."""
    rows = []
    for user, value in results.items():
        result, score = value if isinstance(value, tuple) else (value, None)
        rows.append({"user": user, "result": result, "score": score, "note": ""})
    return services.results_record(actor=trainer_of(w), session=made,
                                   expected_version=made.version, results=rows, **kwargs)
