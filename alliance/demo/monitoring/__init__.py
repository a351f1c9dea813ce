"""Fictional monitoring history for the demo (DOMAIN.md §12): a year of person-level records in
every demo jurisdiction's prisons and probation service, so that every monitoring dashboard
shows a year of trends computed by the real snapshot job.

For each prison, people held today and people released during the history, each with what the
modules record about them: the person (identity encrypted, search hashes), the custody episode
(key dates computed from the sentence; a conditional release set by hand), the case, screenings
(at admission and every six months), countersigned risk and needs assessments with every item
rated (reassessed on time or late), an approved plan, enrolments with weekly sessions (mostly
attended, some refused with the reason, some cancelled), working-alliance measures, the
pre-release steps of every release within the horizon (done on time, late, or still to do),
support plans (in place at the release or not), releases (responsibility passed to probation,
the prison's read access kept), and referrals to the community agencies (answered on time or
late, accepted or declined). Each jurisdiction has its own trend in every rate, so no chart is
flat. A small fictional staff per jurisdiction does the work (MK's demo users among them),
certified and trained over the year.

Rows are written with bulk_create, not through the services: a year of a region's caseload
through the services would take minutes. They are the rows the services would leave (the
statuses, dates and links of a real history; audit events for the people and cases created, and
one for the load). The same generator, scaled up, builds the monitoring benchmark
(bench/monitoring.py). Deterministic: a fixed seed, dates relative to today.

seed_demo creates the staff first (`seed_staff`: what the other modules' demo data notify an
agency's staff reaches the same colleagues on every run) and the history last (the other
modules pick their people among seed_people's, the first of a prison by id: with fewer than the
default 60, a second run would find some of the history's among them). Idempotent: the history
is generated once. Its people are told apart from seed_people's by their reference, one
character longer (REFERENCE_CHARS): `people()` counts them, so that seed_demo's `--persons`
still counts the people it adds itself.
"""

import random
from collections import Counter

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from alliance.assessments.models import Assessment, Screening
from alliance.coordination.models import Referral
from alliance.core import audit
from alliance.core.models import AuditAction
from alliance.monitoring import snapshots
from alliance.monitoring.periods import month_start
from alliance.people.key_dates import add_months
from alliance.people.models import Person
from alliance.people.services import expected_release_keys_refresh
from alliance.plans.models import AllianceMeasure, Enrolment, Offer, Plan, Session
from alliance.release.models import FollowUp, ReleaseStep, SupportPlan

from .jurisdictions import EXISTING, SEED, Area, Common, lives_of, staff_of, staff_places, training
from .rows import Rows
from .story import REFERENCE_CHARS, story

HISTORY_MONTHS = 14  # a settled year (statistics.settled_before) and the two months after it
# People held today in each prison at scale 1, and each jurisdiction's size.
HELD = {"prison_a": 42, "prison_b": 28}
SIZE = {"AL": 1.0, "BA": 1.2, "XK": 0.8, "ME": 0.6, "MK": 1.0, "RS": 1.4}
CHUNK = 200  # people built and written at a time

# Person-level events, for the benchmark's count (the rows that are something done with or
# about a person on a date; their details, such as an assessment's item ratings, are not).
EVENT_MODELS = [Screening, Assessment, Plan, Enrolment, Session, Offer, AllianceMeasure,
                ReleaseStep, SupportPlan, FollowUp, Referral]
__all__ = ["CHUNK", "EVENT_MODELS", "HELD", "HISTORY_MONTHS", "REFERENCE_CHARS", "SEED", "SIZE",
           "compute_snapshots", "generate", "history", "people", "seed_monitoring", "seed_staff",
           "staff_usernames"]


# --- the public functions ------------------------------------------------------------------------

def history() -> QuerySet[Person]:
    """The monitoring history's people."""
    return (Person.objects.annotate(reference_length=Length("reference"))
            .filter(reference_length=3 + REFERENCE_CHARS))


def people() -> int:
    """How many people the monitoring history holds (0 before it is seeded)."""
    return history().count()


def staff_usernames(codes) -> list[str]:
    """The usernames of the fictional staff of the jurisdictions `codes` (MK's demo users
    aside)."""
    return [username for code in codes for _key, username, _roles, _sector in staff_places(code)
            if username not in EXISTING.values()]


def seed_staff(users, agencies) -> int:
    """The history's staff in every jurisdiction (once). Before the other modules' demo data:
    what those notify the staff of an agency reaches the same people on every run. Returns
    how many there are."""
    codes = sorted({code for code, _key in agencies if code is not None})
    return sum(len(staff_of(code, {key: a for (c, key), a in agencies.items() if c == code},
                          users)[1]) for code in codes)


def seed_monitoring(users, agencies) -> int:
    """The demo's monitoring history (once). Returns how many people it added."""
    if people():
        return 0
    counts = generate(agencies, users, months=HISTORY_MONTHS, scale=1.0, seed=SEED)
    return counts["people"]


def compute_snapshots() -> snapshots.Result:
    """The snapshot job over the history's months, as the daily job's first run would."""
    this_month = month_start(timezone.localdate())
    return snapshots.compute(add_months(this_month, 1 - HISTORY_MONTHS), this_month,
                             reason="seed_demo")


def generate(agencies, users, *, months: int, scale: float, seed: int, stdout=None) -> Counter:
    """Write `months` months of history (to today) for every demo jurisdiction in `agencies`
    (seed.seed_organisations), people held scaled by `scale`. Returns the rows written by
    kind, and "people" and "events" (EVENT_MODELS)."""
    today = timezone.localdate()
    counts: Counter = Counter()
    common = Common.load(users, months, today)
    codes = sorted({code for code, _key in agencies if code is not None})
    references = set(Person.objects.values_list("reference", flat=True))
    for code in codes:
        area = Area.load(code, agencies, users, common, random.Random(f"{seed}:{code}"))
        rng = random.Random(f"{seed}:{code}:people")
        with transaction.atomic():
            counts.update(training(area, rng))
        for key, held in HELD.items():
            prison = agencies[(code, key)]
            lives = lives_of(area, prison, round(held * SIZE.get(code, 1.0) * scale), rng)
            for start in range(0, len(lives), CHUNK):
                rows = Rows()
                for life in lives[start:start + CHUNK]:
                    story(area, life, rows, random.Random(f"{seed}:{life.key}"), references)
                with transaction.atomic():
                    counts.update(rows.write(common.now))
            if stdout:
                stdout.write(f"  monitoring history: {code} {key}, {len(lives)} people")
    # The episodes were bulk-written, past the services that keep the caseload's sort key.
    expected_release_keys_refresh(history())
    with transaction.atomic():
        audit.record(actor=None, action=AuditAction.CREATE, object_type="demo.monitoring",
                     details={"source": "seed_demo", "months": months,
                              "people": counts["Person"],
                              "events": sum(counts[m.__name__] for m in EVENT_MODELS)})
    counts["people"] = counts["Person"]
    counts["events"] = sum(counts[m.__name__] for m in EVENT_MODELS)
    return counts
