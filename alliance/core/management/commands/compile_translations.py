"""Compile the project's .po files to .mo without GNU gettext (which prison servers may lack)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile alliance/locale and alliance/languages/locale catalogues to .mo with polib."

    def handle(self, *args, **options):
        compiled = 0
        # Ours, and alliance/languages/locale (third-party strings in the languages they lack).
        locale_dirs = [*settings.LOCALE_PATHS, Path(settings.BASE_DIR) / "alliance" / "languages"
                       / "locale"]
        for locale_dir in locale_dirs:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    po = polib.pofile(str(po_path))
                except OSError as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                po.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(f"{compiled} catalogue(s) compiled")
