"""A newcomer's first steps in a real Chromium, every page checked with axe-core (conftest):
choosing the language on the sign-in page before signing in, finding a person in the caseload
and screening them at a desk, and the person's page on a wing officer's phone (390 px): nothing
scrolls sideways and the main actions are on the first screen."""

import re

import pytest
from playwright.sync_api import expect

from alliance.assessments.models import Screening

from .conftest import PASSWORD, PHONE, sign_in

pytestmark = pytest.mark.browser


def test_a_signed_out_person_chooses_shqip_and_signs_in_in_it(browser_page, page_problems, world):
    page = browser_page
    page.goto("/accounts/login/")

    page.get_by_label("Language").select_option(label="Shqip")
    page.get_by_role("button", name="Change").click()

    # Back on the sign-in page (not asked to sign in first), in Albanian.
    expect(page.locator("html")).to_have_attribute("lang", "sq")
    assert page.url.endswith("/accounts/login/"), page.url
    page.locator("input[name=login]").fill(world.treatment_a.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Hyr").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "sq")
    page_problems.assert_none(page)


def test_a_treatment_officer_finds_a_person_and_screens_them(
    browser_page, page_problems, assessing
):
    w = assessing
    page = browser_page
    sign_in(page, w.treatment_a)

    # The caseload's search answers as it is typed (htmx), without leaving the page.
    page.goto("/people/")
    page.get_by_label("Search").fill(w.person_a.reference)
    results = page.locator("#caseload-results")
    expect(results).to_contain_text(w.person_a.reference)
    results.get_by_role("link", name=w.person_a.reference).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(w.person_a.reference)

    page.get_by_role("link", name="Screen").first.click()
    definition = w.instruments.screening.parsed
    page.get_by_label("Occasion").select_option("intake")
    for item in definition.items:
        page.locator(f"input[name=item_{item.code}][value=absent]").check()
    for question in definition.bias_check.questions if definition.bias_check else ():
        page.locator(f"input[name=bias_{question.code}][value=no]").check()
    page.locator("input[name=outcome][value=refer_full_assessment]").check()
    page.get_by_label("Rationale for the outcome").fill("Observed over two weeks")
    page.get_by_role("button", name="Record the screening").click()

    expect(page.get_by_role("status")).to_contain_text("Screening recorded.")
    assert Screening.objects.get(person=w.person_a).outcome == "refer_full_assessment"
    page_problems.assert_none(page)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_person_page_has_its_main_actions_on_a_phone_s_first_screen(
    browser_page, page_problems, world, viewport
):
    page = browser_page
    sign_in(page, world.treatment_a)
    page.goto(f"/people/{world.person_a.uuid}/")

    for action in ("Screen", "Start assessment"):
        link = page.get_by_role("link", name=action).first
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], f"{action} is {box['y']:.0f} px down"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], action
    page_problems.assert_none(page)
