from django.core.management.base import BaseCommand, CommandError

from alliance.core import audit


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain. Exits 0 when intact, 1 naming the first bad event."

    def handle(self, *args, **options):
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"OK: {result.count} events, head hash {result.head}")
            return
        raise CommandError(
            f"BROKEN at event #{result.bad_event_id}: {result.reason} "
            f"({result.count} events before it verified)", returncode=1)
