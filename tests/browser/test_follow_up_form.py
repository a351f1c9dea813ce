"""Recording a follow-up after release on a probation officer's phone, in a real Chromium at
390 px wide: from the person's release page to the follow-up, the outcomes as large buttons, a
date before the release refused with the reason and the choices kept, then saved; nothing
scrolls sideways."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.release.models import FollowUpStatus

from ..release.builders import released_a_while_ago
from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def _choose(page, legend: str, answer: str) -> None:
    group = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    group.get_by_text(answer, exact=True).click()


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_probation_officer_records_a_follow_up_on_a_phone(browser_page, page_problems, world,
                                                            viewport):
    follow_up = released_a_while_ago(world, days=10)["1w"]
    page = browser_page
    sign_in(page, world.probation_officer)
    page.goto(f"/release/people/{world.person_a.uuid}/")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="after 1 week").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("after 1 week")
    _no_sideways_scroll(page)

    too_early = timezone.localdate() - datetime.timedelta(days=30)
    page.get_by_label("Date of the contact").fill(too_early.isoformat())
    _choose(page, "Kind of contact", "Home visit")
    _choose(page, "Engagement", "Partly engaged")
    _choose(page, "Housing", "Temporary accommodation")
    _choose(page, "Work", "Looking for work")
    _choose(page, "New offence", "No")
    _choose(page, "Re-engagement with violent groups", "No sign")
    page.get_by_label("Notes").fill("Staying with his sister for now.")
    page.get_by_role("button", name="Save the follow-up").click()

    expect(page.get_by_text("A follow-up cannot be dated before the release")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Staying with his sister for now.")
    expect(page.get_by_label("Home visit")).to_be_checked()
    _no_sideways_scroll(page)

    page.get_by_label("Date of the contact").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save the follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("after 1 week recorded")
    _no_sideways_scroll(page)
    page_problems.assert_none(page)

    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.HELD
    assert (follow_up.contact_kind, follow_up.engagement, follow_up.housing, follow_up.work,
            follow_up.new_offence, follow_up.reengagement) == (
        "home_visit", "partly", "temporary", "unemployed", "no", "none")
    assert follow_up.notes == "Staying with his sister for now."
