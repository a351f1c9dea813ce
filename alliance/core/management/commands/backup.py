from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance.core import backup


class Command(BaseCommand):
    help = ("Back the database up while the application runs (SQLite's online backup, "
            "pg_dump's custom format), and write FILE.json with the audit head at backup time.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE", help="a new file")

    def handle(self, *args, **options):
        out = Path(options["out"])
        try:
            info = backup.backup(out=out)
        except backup.BackupError as exc:
            raise CommandError(str(exc), returncode=1) from None
        head = info["audit_head"]
        self.stdout.write(f"Backed up the {info['vendor']} database to {out} "
                          f"(sha256 {info['sha256']}).")
        self.stdout.write(f"Audit head at backup time: #{head['id']} {head['hash']} "
                          f"({head['count']} events), recorded in {backup.sidecar_path(out)}")
