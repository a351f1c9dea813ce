from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance.core import backup


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into this database (SQLite file, or an "
            "empty PostgreSQL database), then verify the audit chain and its head against "
            "FILE.json.")
    # The database may be empty, or about to be replaced: the start-up checks cannot read it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--force", action="store_true",
                            help="overwrite a database that is not empty")

    def handle(self, *args, **options):
        try:
            outcome = backup.restore(source=Path(options["file"]), force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=1) from None
        result, head, expected = outcome["verify"], outcome["head"], outcome["expected"]
        if not result.ok:
            raise CommandError(f"Restored, but the audit chain is BROKEN at event "
                               f"#{result.bad_event_id}: {result.reason}", returncode=1)
        self.stdout.write(f"Restored {options['file']}. Audit chain verified: {result.count} "
                          f"events, head #{head.id} {head.hash}.")
        if expected is None:
            raise CommandError("No FILE.json beside the backup: the head cannot be compared "
                               "with the one recorded at backup time.", returncode=1)
        if not outcome["match"]:
            raise CommandError(f"The restored head differs from the one recorded at backup "
                               f"time (#{expected['id']} {expected['hash']}).", returncode=1)
        self.stdout.write("The head equals the one recorded at backup time.")
