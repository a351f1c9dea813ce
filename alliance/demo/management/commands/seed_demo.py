import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from alliance.demo import coordination, knowledge, monitoring, observations, release, seed
from alliance.retention import demo as retention_demo


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent): organisations, demo users and N people."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=settings.DEMO_PASSWORD,
                            help="Password for every demo user.")
        parser.add_argument("--persons", type=int, default=60,
                            help="How many people in total (besides the monitoring history's).")
        parser.add_argument("--grow-to", type=int, default=0, metavar="N",
                            help="Then add people (custody, cases, search index; no assessments "
                                 "or plans) until there are N in all: a large prison for the "
                                 "benchmarks (bench/load.py), in minutes rather than hours.")

    def handle(self, *args, password, persons, grow_to, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with ALLIANCE_ENV=production.")
        started = time.perf_counter()
        agencies = seed.seed_organisations()
        users = seed.seed_users(agencies, password)
        # The monitoring history's staff (its records come last, below): before the modules
        # below notify an agency's staff, so that a second run finds the same colleagues.
        monitoring.seed_staff(users, agencies)
        # Before any case team crosses an agency boundary: the agreement gate reads them.
        coordination.seed_agreements(users, agencies)
        # The monitoring history's people (seeded last, below) are not among `persons`.
        added = seed.seed_people(persons + monitoring.people(), agencies, users,
                                 stdout=self.stdout)
        # Before the other modules pick their people: a release changes who is responsible for
        # a person and who sees them (demo/release.py).
        staged = release.seed_release(users, agencies)
        # Then the teams the referrals accepted add to, before the modules below pick the
        # people each demo user sees (seed_work): a second run finds the same caseloads.
        referred = coordination.seed_referrals(users, agencies)
        conferred = coordination.seed_conferences(users, agencies)
        assessed = seed.seed_assessments(users)
        planned = seed.seed_plan_work(users, agencies)
        observed = observations.seed_observations(users, agencies)
        # After the catalogue (seed_plan_work): entries support its interventions.
        written = knowledge.seed_knowledge(users, agencies)
        # Last: a year of person-level records in every jurisdiction for the monitoring
        # dashboards; it takes nobody the modules above pick, and none of their demo users'
        # caseloads changes but by people of their own agency.
        history = monitoring.seed_monitoring(users, agencies)
        # The release module's tasks, before run_daily is ever run (after the history: its
        # releases and steps, and its staff, who are told of the steps overdue in their prison).
        release.run_daily()
        grown = seed.seed_people(grow_to, agencies, users, stdout=self.stdout) if grow_to else 0
        # Planner statistics after a bulk load: without them PostgreSQL (and SQLite) choose
        # plans for empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The snapshot job over the history's months, as its first daily run would (after
        # ANALYZE: its GROUP BY queries read the tables just filled).
        snapshot = monitoring.compute_snapshots()
        # Retention: the demo DPO's jurisdiction's periods at their defaults, and the review run
        # once, so that the worklist shows what the demo's old records put on it.
        reviews = retention_demo.seed(dpo=users["demo.dpo"])
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {added} people added ({persons} in total), {assessed} with "
            f"assessments, {planned} plans started, {observed} observations recorded, {staged} "
            f"people taken through the stages of release, in "
            f"{elapsed:.1f} s; {referred} referrals and {conferred} case conferences; {written} "
            f"knowledge entries; a monitoring history of {history} people, "
            f"{snapshot.months} months of indicators ({snapshot.rows} values); {reviews} "
            f"records to review for retention."
            + (f" Grown by {grown} people to {grow_to}." if grow_to else "")))
        self.stdout.write(f"Demo users: {', '.join(dict.fromkeys(u for u, *_ in seed.DEMO_USERS))}")
        self.stdout.write(f"Demo password: {password}")
