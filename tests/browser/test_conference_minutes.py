"""Recording a case conference's minutes at a desk, in a real Chromium at 1280 px: an action
without a due date is refused with the reason and every row typed is kept; with the date, the
minutes are saved, the action is listed under its owner and is a task in their work."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.coordination.models import ConferenceStatus
from alliance.work.models import Task

from ..coordination.conferences.builders import schedule
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_case_manager_records_the_minutes_with_an_action(browser_page, page_problems, world):
    conference = schedule(world, days=0)
    page = browser_page
    sign_in(page, world.manager_a)
    page.goto(f"/coordination/conferences/{conference.uuid}/")
    page.get_by_role("link", name="Record the minutes").click()

    page.get_by_label("Summary of the discussion").fill("Agreed the support plan's next steps.")
    page.locator("#decision-1").fill("Probation leads the housing search.")
    page.locator("#action-text-1").fill("Book a visit to the hostel")
    page.locator("#action-owner-1").select_option(
        label=f"{world.probation_officer} — {world.probation.name}")
    page.get_by_role("button", name="Save the minutes").click()

    expect(page.get_by_text("Action 1 needs a due date.")).to_be_visible()
    expect(page.locator("#action-text-1")).to_have_value("Book a visit to the hostel")
    expect(page.locator("#decision-1")).to_have_value("Probation leads the housing search.")
    expect(page.get_by_label("Summary of the discussion")).to_have_value(
        "Agreed the support plan's next steps.")
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED

    due = timezone.localdate() + datetime.timedelta(days=14)
    page.locator("#action-due-1").fill(due.isoformat())
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.get_by_text("Book a visit to the hostel")).to_be_visible()
    expect(page.get_by_text("Probation leads the housing search.")).to_be_visible()
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    task = Task.objects.get(kind="conference_action", assignee=world.probation_officer)
    assert task.due_on == due
    page_problems.assert_none()
