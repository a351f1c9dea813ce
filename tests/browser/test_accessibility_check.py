"""The accessibility check of every page (conftest: axe-core, vendored) finds what it must: a
page with a serious violation fails the test, with the rule, the page and the element named;
a minor one does not. (If this test fails, every other browser test may pass without checking.)
"""

import pytest

pytestmark = pytest.mark.browser

# An image without a text alternative (axe "image-alt", critical) and a skipped heading level
# ("heading-order", moderate: reported by axe, not failing).
PAGE = """<!doctype html><html lang="en"><head><title>Probe</title></head><body><main>
<h1>Probe</h1><h4>Skipped</h4><img id="no-alt" src="/static/alliance/favicon.svg"></main>
</body></html>"""


def test_a_serious_violation_of_a_page_is_found_and_named(browser_page, page_problems):
    page = browser_page
    page.route(
        "**/accessibility-probe/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE),
    )

    page.goto("/accessibility-probe/")
    page_problems.collect(page)

    assert page_problems.checked_pages == ["/accessibility-probe/"]
    assert len(page_problems.accessibility) == 1, page_problems.accessibility
    assert page_problems.accessibility[0].startswith("/accessibility-probe/: image-alt (critical)")
    assert "#no-alt" in page_problems.accessibility[0]
    with pytest.raises(AssertionError, match="axe: /accessibility-probe/: image-alt"):
        page_problems.assert_none()
    page_problems.allow_accessibility("image-alt", "the probe's violation, found as it should")
    page_problems.assert_none()
