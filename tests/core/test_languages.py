from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from ..conftest import login

LOCALES = ["sq", "sr_Latn", "sr", "mk", "bs", "hr", "cnr"]
CATALOGUES = Path(settings.BASE_DIR) / "alliance" / "locale"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    po = polib.pofile(str(CATALOGUES / locale / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{locale}: fuzzy entries {fuzzy[:3]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalogue_lists_every_msgid_of_the_source_catalogue(locale):
    source = {e.msgid for e in polib.pofile(str(CATALOGUES / "en" / "LC_MESSAGES" / "django.po"))}
    target = {e.msgid for e in polib.pofile(str(CATALOGUES / locale / "LC_MESSAGES" /
                                                "django.po"))}
    assert source - target == set()


@pytest.mark.django_db
@pytest.mark.parametrize("language, word", [("sq", "Rasti"), ("mk", "Случај"),
                                            ("sr-latn", "Predmet"), ("sr", "Предмет"),
                                            ("bs", "Predmet"), ("hr", "Predmet"),
                                            ("cnr", "Predmet"), ("en", "Case")])
def test_the_person_page_speaks_the_users_language(world, language, word):
    client = login(world.treatment_a)
    client.post(reverse("set_language"), {"language": language})
    page = client.get(reverse("people:detail", args=[world.person_a.uuid]))
    assert page.status_code == 200
    assert f'lang="{language}"' in page.content.decode()
    assert word in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sq", "cnr", "sr"])
def test_the_language_menu_names_each_language_in_its_own_name(world, language):
    client = login(world.treatment_a)
    client.post(reverse("set_language"), {"language": language})
    page = client.get(reverse("people:caseload")).content.decode()
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page
        assert f">{name}</option>" in page
