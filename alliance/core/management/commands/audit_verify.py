from django.core.management.base import BaseCommand, CommandError

from alliance.core import anchors, audit


class Command(BaseCommand):
    help = ("Verify the audit trail's keyed hash chain and its anchors. Exits 0 when intact, 1 "
            "naming the first bad event or the anchor that no longer matches.")

    def add_arguments(self, parser):
        parser.add_argument("--anchors", metavar="FILE",
                            help="anchor file to check (default AUDIT_ANCHOR_FILE); lines "
                                 "copied from syslog are accepted")

    def handle(self, *args, **options):
        result = audit.verify()
        checked = anchors.check_anchors(options["anchors"])
        if not result.ok:
            raise CommandError(
                f"BROKEN at event #{result.bad_event_id}: {result.reason} "
                f"({result.count} events before it verified)", returncode=1)
        if not checked.ok:
            raise CommandError("ANCHORS: " + " ".join(checked.problems), returncode=1)
        self.stdout.write(f"OK: {result.count} events, head hash {result.head}")
        if result.stripes > 1:
            self.stdout.write(f"{result.stripes} stripes verified, each from its first event")
        if result.legacy_count:
            self.stdout.write(f"{result.legacy_count} legacy events (before the chain was "
                              "keyed) verified with plain SHA-256")
        self.stdout.write(f"{checked.anchors} anchors match the chain")
