"""Answering a referral on an NGO worker's phone, in a real Chromium at 390 px wide: the inbox
shows it waiting; its page shows the reference and what is asked, and no way to the person's
record; accepting without naming the worker is refused with the reason; accepted with the
worker named, the person's page opens to them. Nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from alliance.coordination.models import ReferralStatus

from ..coordination.referrals.builders import sent
from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_an_ngo_worker_accepts_a_referral_on_a_phone(browser_page, page_problems, world,
                                                      viewport):
    referral = sent(world, scopes=())
    page = browser_page
    sign_in(page, world.ngo_worker)
    page.goto("/coordination/referrals/")
    _no_sideways_scroll(page)
    expect(page.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text(world.person_a.reference)
    page.get_by_role("link", name=world.person_a.reference).first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(world.person_a.reference)
    expect(page.get_by_text("Needs a mentoring programme after release.")).to_be_visible()
    # the record is not theirs yet: no link to it, and the address answers 404
    expect(page.locator(f'a[href="/people/{world.person_a.uuid}/"]')).to_have_count(0)
    _no_sideways_scroll(page)

    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_text("Choose who will do the work.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT

    page.get_by_label("Worker").select_option(label=str(world.ngo_worker))
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.locator(f'a[href="/people/{world.person_a.uuid}/"]').first).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.worker == world.ngo_worker
    page.locator(f'a[href="/people/{world.person_a.uuid}/"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.person_a.reference)
    _no_sideways_scroll(page)
    page_problems.assert_none()
