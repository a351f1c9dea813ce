"""The monitoring dashboards on a phone, in a real Chromium at 390 px wide: a manager's agency
dashboard and a regional coordinator's region table read without the page scrolling sideways
(the wide table scrolls in its own box), the charts are drawn, the period picker changes the
period, and nothing breaks the strict CSP."""

import pytest
from playwright.sync_api import expect

from ..monitoring import page_data
from ..monitoring.conftest import monitoring_world, snapshot  # noqa: F401 - fixtures
from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def figures(monitoring_world, snapshot):  # noqa: F811 - the fixtures imported above
    page_data.agency_months(monitoring_world, snapshot)
    return page_data.small_july(monitoring_world, snapshot)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_manager_reads_the_agency_dashboard_on_a_phone(browser_page, page_problems, figures,
                                                         viewport):
    page = browser_page
    sign_in(page, figures.manager_a)
    page.goto(f"/monitoring/agency/{figures.prison_a.uuid}/?period=2026-07")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prison A")
    expect(page.get_by_role("link", name="People screened")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    _no_sideways_scroll(page)
    # the picker: a quarter instead of the month
    page.get_by_label("Period", exact=True).select_option("quarter")
    page.get_by_label("Quarter").select_option("3")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Q3 2026")
    _no_sideways_scroll(page)
    page_problems.assert_none(page)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_coordinator_reads_the_region_table_on_a_phone(browser_page, page_problems, figures,
                                                         viewport):
    page = browser_page
    sign_in(page, figures.regional_coordinator)
    page.goto("/monitoring/region/?period=2026-07")
    expect(page.get_by_role("table")).to_contain_text("Region")
    # the wide table scrolls in its own box (its hidden caption once widened the whole page)
    assert page.evaluate("document.querySelector('.table-responsive').scrollWidth") > PHONE["width"]
    expect(page.get_by_text("suppressed: fewer than 5", exact=False).first).to_be_visible()
    _no_sideways_scroll(page)
    page_problems.assert_none(page)
