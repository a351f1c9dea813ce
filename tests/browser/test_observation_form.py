"""Recording an observation on a wing officer's phone, in a real Chromium at 390 px wide: from
the person's page, category, the words as said, context, an assessment kept apart, an
escalation indicator and the three grades, saved in one go; nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from alliance.observations.models import Observation

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser

WORDS = "Рекао је: „Нећу ићи у радионицу.“ <script>alert(1)</script>"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_security_officer_records_an_observation_on_a_phone(browser_page, page_problems,
                                                              world, viewport):
    page = browser_page
    sign_in(page, world.security_a)
    page.goto(f"/people/{world.person_a.uuid}/")
    page.locator("#security-h").locator("xpath=ancestor::section[1]") \
        .get_by_role("link", name="Record an observation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.person_a.reference)
    _no_sideways_scroll(page)

    page.get_by_text("Ideological expression", exact=True).click()
    page.get_by_label("What was seen or heard").fill(WORDS)
    page.get_by_label("Context", exact=True).fill("In the yard, during exercise.")
    page.get_by_label("Your assessment").fill("He may be testing the staff.")
    page.get_by_label("Threatens staff or other prisoners").check()
    for legend, grade in [("Source reliability", "B — Mostly reliable"),
                          ("Information", "1 — Known to be true without reservation"),
                          ("Handling", "2 — May be shared within the case team, with conditions")]:
        group = page.locator("fieldset", has=page.locator("legend", has_text=legend))
        group.get_by_label(grade).check()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Record the observation").click()

    expect(page.get_by_text("Observation recorded and escalated")).to_be_visible()
    _no_sideways_scroll(page)
    page_problems.assert_none(page)
    saved = Observation.objects.get(person=world.person_a)
    assert saved.recorded_by == world.security_a and saved.category == "ideology"
    assert saved.verbatim == WORDS and saved.opinion == "He may be testing the staff."
    assert (saved.source_reliability, saved.information_assessment, saved.handling_code) == (
        "B", "1", "2")
    assert saved.escalated and saved.unit == world.unit_a


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_missing_grade_is_explained_and_the_words_are_kept_on_a_phone(browser_page,
                                                                        page_problems, world,
                                                                        viewport):
    page = browser_page
    sign_in(page, world.treatment_a)
    page.goto(f"/security/people/{world.person_a.uuid}/observe/")
    page.get_by_text("Positive engagement", exact=True).click()
    page.get_by_label("What was seen or heard").fill("Helped a new arrival settle in.")
    page.get_by_role("button", name="Record the observation").click()

    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("Grade how reliable the source is.")
    expect(page.get_by_label("What was seen or heard")).to_have_value(
        "Helped a new arrival settle in.")
    expect(page.get_by_label("Positive engagement")).to_be_checked()
    _no_sideways_scroll(page)
    page_problems.assert_none(page)
    assert not Observation.objects.exists()
