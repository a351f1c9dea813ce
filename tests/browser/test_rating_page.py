"""A whole format-2 assessment through the pages, in a real Chromium: a treatment officer starts a
structured profile from the person's page, rates every domain on its own page (each answer saved
as it changes, no Save button), judges each domain, adds a factor, records a source and the
formulation, and submits; a manager countersigns. Then the same rating page at a phone's width.
"""

import re

import pytest
from playwright.sync_api import expect

from alliance.assessments.models import (
    AdditionalFactor,
    Assessment,
    AssessmentStatus,
    ItemRating,
)

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser

SAVED = "Saved"


def _saved(page, key):
    expect(page.locator(f"#status-{key}")).to_contain_text(SAVED)


def _write_evidence(item, evidence):
    item.locator("textarea").fill(evidence)
    item.locator("textarea").press("Tab")


def _rate(page, key, choices, evidence=None):
    """Answer one item as a person would: the evidence first where it is required (else the
    choice is refused until it is there), then each choice; each change saves by itself."""
    item = page.locator(f"#item-{key}")
    if evidence is not None:
        _write_evidence(item, evidence)
    for legend, label in choices:
        group = item.locator("fieldset", has=page.locator("legend", has_text=legend))
        group.get_by_label(label, exact=True).check()
        _saved(page, key)


def _choose(page, key, label, evidence):
    """Answer one item with a single choice of its own ("not applicable", or a point of a
    one-rating scale): the evidence first, then the choice, which saves by itself."""
    item = page.locator(f"#item-{key}")
    _write_evidence(item, evidence)
    item.get_by_label(label, exact=True).check()
    _saved(page, key)


def _judge(page, option, rationale):
    form = page.locator("#judgement form")
    form.get_by_label(option, exact=True).check()
    form.get_by_label("Rationale").fill(rationale)
    form.get_by_role("button", name="Save the judgement").click()
    expect(page.get_by_text("Judgement saved.")).to_be_visible()


def test_a_structured_profile_from_start_to_countersignature(browser_page, page_problems,
                                                              profile_certified, second_browser):
    page = browser_page
    w = profile_certified
    sign_in(page, w.treatment_a)

    # Start from the person's page: the start page offers the format-2 instrument.
    page.goto(f"/people/{w.person_a.uuid}/")
    page.get_by_role("link", name="Start assessment").first.click()
    page.get_by_label("Instrument").select_option(str(w.profile_version.uuid))
    page.get_by_role("button", name="Start").click()
    assessment = Assessment.objects.get(person=w.person_a, instrument_version=w.profile_version)
    base = f"/assessments/{assessment.uuid}"

    # Engagement: presence, then influence (asked once presence is at least partly present).
    page.goto(f"{base}/rate/engagement/")
    expect(page.get_by_role("heading", name="Engagement", level=1)).to_be_visible()
    for code in ("EN1", "EN2", "EN3"):
        _rate(page, code, [("Presence", "Clearly present"),
                           ("Influence on offending", "Strong")],
              evidence=f"{code}: said so at interview")
    _judge(page, "High engagement", "Identity rests on the group.")
    factors = page.locator("#factors")
    factors.get_by_text("Add a factor").click()
    factors.get_by_label("Factor").first.fill("Online contacts abroad")
    factors.locator("fieldset", has=page.locator("legend", has_text="Presence")).first \
        .get_by_label("Partly present", exact=True).check()
    factors.get_by_label("Evidence").first.fill("Letters seen by staff")
    factors.get_by_role("button", name="Add the factor").click()
    expect(page.locator("#factors")).to_contain_text("Online contacts abroad")

    # Intent: IN3 is asked only because IN1 is present.
    page.goto(f"{base}/rate/intent/")
    for code in ("IN1", "IN2", "IN3"):
        _rate(page, code, [("Presence", "Partly present"), ("Influence on offending", "Some")],
              evidence=f"{code}: from the file")
    _judge(page, "Moderate intent", "Admires the group, no plans seen.")

    # Capability: CA1 does not apply to this person; CA2 is rated.
    page.goto(f"{base}/rate/capability/")
    _choose(page, "CA1", "Not applicable to this person", "No access at all while in custody")
    _rate(page, "CA2", [("Presence", "Not present")], evidence="No violence on record")
    _judge(page, "Low capability", "No history, no means.")

    # Protective factors: a one-rating scale, and "not applicable" for family.
    page.goto(f"{base}/rate/protective/")
    _choose(page, "PR1", "Partial", "Says violence solved nothing")
    _choose(page, "PR2", "Not applicable to this person", "No family in contact")

    # The overview: a source and the formulation, then submit.
    page.goto(f"{base}/")
    sources = page.locator("#sources").locator("xpath=ancestor::section[1]")
    sources.get_by_label("Type of source").select_option("interview")
    sources.get_by_label(re.compile(r"^Source\b")).fill("Interview with the person")
    sources.get_by_role("button", name="Add source").click()
    expect(page.get_by_text("Source added.")).to_be_visible()
    judgement = page.locator("#judgement").locator("xpath=ancestor::section[1]")
    judgement.get_by_label("Formulation").fill("Belonging drives engagement; no capability.")
    judgement.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Judgement saved.")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()  # the domain profile
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted for countersignature.")).to_be_visible()
    # Evidence typed before a choice is answered "choose a rating first" (422), by design.
    page_problems.allow("status of 422 (Unprocessable Entity)")
    page_problems.assert_none(page)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    ratings = {r.item_code: r.rating for r in ItemRating.objects.filter(assessment=assessment)}
    assert ratings["EN1"] == {"presence": "present", "influence": "strong"}
    assert ratings["CA1"] == "not_applicable" and ratings["PR1"] == "partial"
    assert ratings["CA2"] == {"presence": "not_present"}
    assert assessment.domain_judgements["engagement"]["judgement"] == "high"
    assert AdditionalFactor.objects.get(assessment=assessment).name == "Online contacts abroad"

    # A manager of the prison countersigns.
    other, other_problems = second_browser()
    sign_in(other, w.manager_a)
    other.goto(f"{base}/")
    other.get_by_role("button", name="Countersign").click()
    expect(other.get_by_text("Countersigned.")).to_be_visible()
    other_problems.assert_none(other)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COUNTERSIGNED


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_rating_page_works_at_a_phone_s_width_with_the_keyboard(browser_page, page_problems,
                                                                    profiling, viewport):
    w = profiling
    assessment = w.profile
    page = browser_page
    sign_in(page, w.treatment_a)
    page.goto(f"/assessments/{assessment.uuid}/rate/engagement/")

    # Nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Keyboard only: type the evidence, then move to the presence choices and pick one.
    evidence = page.locator("#item-EN1 textarea")
    evidence.focus()
    page.keyboard.type("Seen at the workshop")
    page.keyboard.press("Shift+Tab")  # back past the influence choices (asked later)...
    page.keyboard.press("Shift+Tab")  # ...to the presence choices
    page.keyboard.press("ArrowDown")  # radios move and check with the arrow keys
    _saved(page, "EN1")
    saved = ItemRating.objects.get(assessment=assessment, item_code="EN1")
    assert saved.evidence == "Seen at the workshop" and "presence" in saved.rating

    # Text typed and not yet saved is announced as such, and leaving asks first.
    page.locator("#item-EN2 textarea").fill("Half a sentence")
    expect(page.locator("#status-EN2")).to_contain_text("Not saved yet")
    page_problems.allow("status of 422 (Unprocessable Entity)")
    page_problems.assert_none(page)
