from django.core.management.base import BaseCommand, CommandError

from alliance.work import daily, registry
from alliance.work.tasks import daily_job


class Command(BaseCommand):
    help = ("Recompute what is due and overdue: run every daily function that modules "
            "registered (idempotent; safe on several servers at once).")

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true",
                            help="Queue the job for the worker (manage.py db_worker) instead "
                                 "of running it here.")
        parser.add_argument("--force", action="store_true",
                            help="Run functions that already ran today (they create nothing "
                                 "new: this recomputes after a correction).")
        parser.add_argument("--only", metavar="NAME", help="Run only this daily function.")

    def handle(self, *args, enqueue, force, only, **options):
        if only and only not in registry.daily_functions():
            raise CommandError(f"No daily function {only!r}. Registered: "
                               f"{', '.join(sorted(registry.daily_functions())) or 'none'}.")
        if enqueue:
            if only:
                raise CommandError("--only runs here; it cannot be combined with --enqueue.")
            result = daily_job.enqueue(force=force)
            self.stdout.write(f"Daily job queued for the worker ({result.id}).")
            return
        results = daily.run_daily(force=force, only=only)
        for result in results:
            changed = f", {result.changed} changed" if result.outcome == "ran" else ""
            self.stdout.write(f"{result.name}: {result.outcome.replace('_', ' ')}{changed}")
        if any(r.outcome == "failed" for r in results):
            raise CommandError("A daily function failed; see the log. It will run again next "
                               "time.")
