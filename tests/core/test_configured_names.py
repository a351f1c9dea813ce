"""Names configured in several languages (jurisdictions, escalation indicators, pre-release
steps and their checklists) are shown in the reader's language, one rule for all of them
(alliance.languages.names.localized)."""

import pytest
from django.utils import translation

from alliance.observations.models import Indicator
from alliance.organisations.models import Jurisdiction
from alliance.release.models import StepTemplate

pytestmark = pytest.mark.django_db


def _shown(language, show):
    with translation.override(language):
        return show()


def test_each_kind_of_configured_name_follows_the_same_rule():
    place = Jurisdiction.objects.create(code="ZZ", name="Testland",
                                        names={"sr-latn": "Zemlja proba", "sq": "Vendi provë"})
    sign = Indicator.objects.create(code="draws_symbol", name="Draws the group's symbol",
                                    names={"sr": "Црта симбол групе"})
    step = StepTemplate.objects.create(
        code="zz_documents", name="Papers ready", names={"sr-latn": "Lični dokumenti"},
        checklist=[{"code": "id", "name": "Identity card", "names": {"mk": "Лична карта"}}])
    shown = {language: (_shown(language, lambda: place.display_name),
                        _shown(language, lambda: sign.display_name),
                        _shown(language, step.display_name),
                        _shown(language, lambda: step.checklist_items()[0]["label"]))
             for language in ("sq", "sr-latn", "sr", "mk", "en")}
    assert shown["sq"] == ("Vendi provë", "Draws the group's symbol", "Papers ready",
                           "Identity card")
    # a Serbian reader gets the other script before a foreign original; Latin given only is
    # turned into Cyrillic for a Cyrillic reader
    assert shown["sr"] == ("Земља проба", "Црта симбол групе", "Лични документи",
                           "Identity card")
    assert shown["sr-latn"] == ("Zemlja proba", "Црта симбол групе", "Lični dokumenti",
                                "Identity card")
    assert shown["mk"] == ("Testland", "Draws the group's symbol", "Papers ready",
                           "Лична карта")
    assert shown["en"] == ("Testland", "Draws the group's symbol", "Papers ready",
                           "Identity card")
