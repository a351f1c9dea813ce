"""Serbian Cyrillic is generated from the reviewed Latin catalogue (alliance/languages)."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

from alliance.languages.cyrillic import to_cyrillic
from alliance.languages.management.commands.make_cyrillic import cyrillic_catalogue

CATALOGUES = Path(settings.BASE_DIR) / "alliance" / "locale"


@pytest.mark.parametrize("latin, cyrillic", [
    ("Procena rizika i potreba", "Процена ризика и потреба"),
    ("Ljiljana, Njegoš i Džemal", "Љиљана, Његош и Џемал"),
    ("LJ i NJ u imenu", "LJ и NJ у имену"),  # upper-case words are acronyms and stay
    ("injekcija, nadživeti", "инјекција, надживети"),  # two letters where a prefix meets a root
    ("Đorđe i Ćirić", "Ђорђе и Ћирић"),
])
def test_it_transliterates_letters_and_digraphs(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize("text", [
    "%(name)s je dodat", "Osoba %s", "{count} osoba", "<a href=\"/x/\">otvori</a>",
    "Preuzmi PDF ili CSV", "Alliance i WebAuthn", "Piši na dpo@example.org ili https://x.org/a",
    "&nbsp;i&amp;", "`manage.py backup`",
])
def test_it_keeps_placeholders_markup_and_latin_names(text):
    kept = ["%(name)s", "%s", "{count}", "<a href=\"/x/\">", "</a>", "PDF", "CSV", "Alliance",
            "WebAuthn", "dpo@example.org", "https://x.org/a", "&nbsp;", "&amp;",
            "`manage.py backup`"]
    out = to_cyrillic(text)
    for token in kept:
        assert (token in out) == (token in text)
    assert not any(c in out for c in "čćšžđ")


def test_the_shipped_cyrillic_catalogue_is_the_latin_one_transliterated():
    """`make messages` regenerates it; an edit to sr_Latn without it fails here."""
    latin = polib.pofile(str(CATALOGUES / "sr_Latn" / "LC_MESSAGES" / "django.po"))
    shipped = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
               for e in polib.pofile(str(CATALOGUES / "sr" / "LC_MESSAGES" / "django.po"))}
    generated = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
                 for e in cyrillic_catalogue(latin)}
    assert shipped == generated
