"""The browser smoke test: sign in through the form and open a person's page in a real Chromium,
on a desktop and at a phone's width (nothing scrolling sideways), with no console error, no CSP
violation and no serious accessibility violation."""

import pytest

from .conftest import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_treatment_officer_signs_in_and_opens_a_person_s_page(browser_page, page_problems,
                                                                 world, viewport):
    page = browser_page

    sign_in(page, world.treatment_a)
    page.goto(f"/people/{world.person_a.uuid}/")

    assert page.get_by_role("heading", level=1).first.is_visible()
    assert world.person_a.reference in page.content()
    # the page's own scripts and styles were loaded and ran under the policy
    assert page.evaluate("typeof window.htmx") == "object"
    # nothing scrolls sideways, on a phone too (STYLE.md: wing staff use 390 px)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    page_problems.assert_none(page)


def test_a_wrong_password_keeps_the_person_on_the_sign_in_page(browser_page, page_problems,
                                                               world):
    page = browser_page

    page.goto("/accounts/login/")
    page.fill("input[name=login]", world.treatment_a.username)
    page.fill("input[name=password]", "not the password")
    page.click("form[action$='/accounts/login/'] button[type=submit]")

    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url
    page_problems.assert_none(page)


def test_a_page_is_not_shown_before_signing_in(browser_page, world):
    browser_page.goto(f"/people/{world.person_a.uuid}/")

    assert "/accounts/login/" in browser_page.url
    assert world.person_a.reference not in browser_page.content()
