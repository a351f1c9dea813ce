import json

from django.core.management.base import BaseCommand, CommandError

from alliance.core import anchors, audit


class Command(BaseCommand):
    help = ("Print the audit trail's head (the newest event's id and time, the digest of the "
            "stripes' heads, the count). --json for machines, with each stripe's head; "
            "--anchor also appends it to AUDIT_ANCHOR_FILE and/or AUDIT_ANCHOR_SYSLOG.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object")
        parser.add_argument("--anchor", action="store_true",
                            help="also write the head as an anchor (as the daily job does)")

    def handle(self, *args, **options):
        head = audit.head()
        anchor = None
        if options["anchor"]:
            anchor = anchors.write_anchor()
            if anchor is None:
                raise CommandError("Nothing anchored: the chain is empty, or neither "
                                   "AUDIT_ANCHOR_FILE nor AUDIT_ANCHOR_SYSLOG is set.")
            head = audit.ChainHead(anchor.id, anchor.hash, head.occurred_at, anchor.count,
                                   head.key_id, anchor.stripes or ())
        if options["json"]:
            data = head.as_dict()
            if anchor is not None:
                data["anchored_at"] = anchor.time
            self.stdout.write(json.dumps(data, sort_keys=True))
            return
        when = head.occurred_at.isoformat() if head.occurred_at else "-"
        self.stdout.write(f"head #{head.id} {head.hash} at {when}, {head.count} events")
        if len(head.stripes) > 1:
            self.stdout.write(f"{len(head.stripes)} stripes; the hash is the digest of their "
                              "heads (--json lists them)")
        if anchor is not None:
            self.stdout.write(f"anchored at {anchor.time}")
