from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance.assessments import services
from alliance.assessments.instruments import InstrumentDefinitionError, reference_definition_paths


class Command(BaseCommand):
    help = ("Validate and publish instrument definitions (YAML or JSON). An invalid file is "
            "reported with the path of each offending field and the command exits non-zero.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--reference", action="store_true",
                            help="Load the open reference instruments shipped with Alliance.")

    def handle(self, *args, files, reference, **options):
        paths = list(files) + (reference_definition_paths() if reference else [])
        if not paths:
            raise CommandError("Give one or more files, or --reference.")
        failed = 0
        for path in paths:
            try:
                loaded = services.instrument_load(
                    actor=None, text=path.read_text(encoding="utf-8"), filename=path.name)
            except OSError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            except InstrumentDefinitionError as exc:
                failed += 1
                self.stderr.write(str(exc))
                continue
            self.stdout.write(f"{path.name}: {loaded.message()}")
        if failed:
            raise CommandError(f"{failed} file(s) refused", returncode=1)
