"""Dates and times in each language's own format (alliance/formats): day before month, dotted
short dates with two-digit days, a closing dot where the language writes one, a 24-hour clock.
Albanian used to show 2026-11-26 and a 12-hour clock; Bosnian "2026 Nov 26"."""

import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from alliance.assessments import services as assessment_services

from ..conftest import login

KNOWN_DAY = datetime.date(2024, 3, 5)
KNOWN_MOMENT = datetime.datetime(2024, 3, 5, 14, 7)

SHORT_DATE = {
    "en": "05.03.2024",
    "sq": "05.03.2024",
    "mk": "05.03.2024",
    "sr": "05.03.2024.",
    "sr-latn": "05.03.2024.",
    "bs": "05.03.2024.",
    "hr": "05.03.2024.",
    "cnr": "05.03.2024.",
}


def test_every_language_of_the_site_has_an_expected_date():
    assert {code for code, _name in settings.LANGUAGES} == set(SHORT_DATE)


@pytest.mark.parametrize("language", SHORT_DATE)
def test_short_dates_times_and_input_follow_the_language(language):
    with translation.override(language):
        assert formats.date_format(KNOWN_DAY, "SHORT_DATE_FORMAT") == SHORT_DATE[language]
        assert (
            formats.date_format(KNOWN_MOMENT, "SHORT_DATETIME_FORMAT") == f"{SHORT_DATE[language]} 14:07"
        )
        assert formats.time_format(KNOWN_MOMENT.time()) == "14:07"  # 24-hour clock
        # what the page shows is read back by a form, and the browser's ISO too
        field = forms.DateField(localize=True)
        assert field.clean(SHORT_DATE[language]) == KNOWN_DAY
        assert field.clean("2024-03-05") == KNOWN_DAY
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


@pytest.mark.parametrize("language", ["sq", "mk", "sr", "sr-latn", "bs", "hr", "cnr"])
def test_long_dates_put_the_day_first_with_the_month_in_words(language):
    with translation.override(language):
        text = formats.date_format(KNOWN_DAY, "DATE_FORMAT")
    assert text.startswith("5") and "2024" in text and "03" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", SHORT_DATE)
def test_the_assessments_worklist_shows_a_due_date_in_the_readers_format(world, language):
    # given a reassessment due on a known (past, so always listed) day
    assessment_services.mark_reassessment_due(
        person=world.person_a, reason="interval", compartment="treatment", due_on=KNOWN_DAY
    )
    client = login(world.treatment_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # when the treatment officer opens the worklist in that language
    html = client.get(reverse("assessments:worklist")).content.decode()
    # then the date is in the language's format, never as ISO text
    row = html.split(world.person_a.reference, 1)[1].split("</tr>", 1)[0]
    words = re.sub(r"<[^>]+>", " ", row).split()
    assert SHORT_DATE[language] in words
    assert "2024-03-05" not in row
