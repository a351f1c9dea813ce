"""Generate the Serbian Cyrillic catalogue (alliance/locale/sr) from the Serbian Latin one.

Run by `make messages` after makemessages; the Latin catalogue is the one translators edit.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from alliance.languages.cyrillic import to_cyrillic

HEADER_LANGUAGE = "sr"


def cyrillic_catalogue(latin: polib.POFile) -> polib.POFile:
    out = polib.POFile(wrapwidth=79)
    out.metadata = dict(latin.metadata, Language=HEADER_LANGUAGE)
    out.header = "Serbian (Cyrillic): generated from sr_Latn by `manage.py make_cyrillic`."
    for entry in latin:
        if entry.obsolete:
            continue
        copy = polib.POEntry(msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                             msgctxt=entry.msgctxt, flags=list(entry.flags),
                             occurrences=list(entry.occurrences), comment=entry.comment)
        copy.msgstr = to_cyrillic(entry.msgstr) if entry.msgstr else ""
        copy.msgstr_plural = {k: to_cyrillic(v) for k, v in entry.msgstr_plural.items()}
        out.append(copy)
    return out


class Command(BaseCommand):
    help = "Write alliance/locale/sr (Cyrillic) from alliance/locale/sr_Latn."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR) / "alliance" / "locale"
        latin = polib.pofile(str(base / "sr_Latn" / "LC_MESSAGES" / "django.po"), wrapwidth=79)
        target = base / "sr" / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        cyrillic_catalogue(latin).save(str(target))
        self.stdout.write(f"wrote {target.relative_to(settings.BASE_DIR)} "
                          f"({len(latin)} messages)")
