"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium; `make test` and CI
install it, and Playwright never downloads a browser) against the site served from a thread.

    def test_it_rates_a_domain(browser_page, page_problems, world):
        sign_in(browser_page, world.treatment_a)
        browser_page.goto(f"/assessments/{uuid}/")      # paths are relative to the live site
        ...
        page_problems.assert_none()                      # no console error, CSP violation...

Phone width: parametrize `viewport` with PHONE (`@pytest.mark.parametrize("viewport", [PHONE])`).

Accessibility: every page a test's browser loads is checked with axe-core (vendored in vendor/,
injected by the browser itself, never fetched), and any violation of impact "serious" or
"critical" fails the test: `page_problems.assert_none()` reports them with the console errors,
and the end of the test fails on any left unreported. Each page is checked once, after its
`load` event, as it loads (a page the test leaves before the check ends is not checked: `sign_in`
waits for the check of the pages it goes through, and so may a test, with `settle(page)`).

One Chromium serves the whole session (a context per test keeps tests apart); the browser tests
run after the others, in one process as under pytest-xdist (see pytest_collection_modifyitems).

Why not pytest-django's `live_server`: it makes the test transactional, and the flush that ends a
transactional test is refused by the audit trail's append-only triggers (on both databases).
`live_site` serves the site from a thread that shares the test's own database connection, inside
the test's transaction, like the test client: fixtures such as `world` work unchanged and
everything is rolled back. Requests are served one at a time, since they share that connection;
wait for the page (Playwright's expectations do) before reading the database in the test.
"""

import contextlib
import importlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # wing staff's phones (STYLE.md)


def _is_browser_test(item) -> bool:
    return "tests/browser/" in str(item.path).replace("\\", "/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Everything under tests/browser/ is marked `browser` (`-m "not browser"` leaves it out),
    and runs last. The one Chromium of the session keeps Playwright's event loop running in the
    process until the end, which changes how Django treats the thread (see `chromium`): no other
    test may run after it. Under pytest-xdist each worker gets its tests in this order, so the
    same holds in every worker. The sort is stable: the order set before (slow tests first) is
    kept within each group."""
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
    items.sort(key=_is_browser_test)


# The regional defaults the migrations load (escalation indicators, pre-release steps). Browser
# tests run last, after pytest-django's transactional tests (backups, concurrent edits), whose
# closing flush empties every table, these included: each browser test puts them back inside
# its own transaction (rolled back after it), with the migrations' own loaders.
_DEFAULT_LOADERS = ("alliance.observations.migrations.0002_default_indicators",
                    "alliance.release.migrations.0002_default_steps")


@pytest.fixture(autouse=True)
def _regional_defaults(db):
    from django.apps import apps

    for module in _DEFAULT_LOADERS:
        importlib.import_module(module).load(apps, None)


# --- the site, served from a thread on the test's connection ------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class _Server(ThreadedWSGIServer):
    def _close_connections(self):
        pass  # the one connection is the test's: it stays open, in the test's transaction


def _one_at_a_time(app):
    lock = threading.Lock()

    def serve(environ, start_response):
        with lock:
            return app(environ, start_response)

    return serve


@pytest.fixture
def live_site(db, monkeypatch):
    """The site at http://127.0.0.1:<port>, sharing the test's database connection."""
    connection = connections["default"]
    connection.ensure_connection()
    # The server thread runs Django's request signals, which close a connection that is in a
    # transaction; this one is the test's, so nothing may close it while the site is served.
    monkeypatch.setattr(connection, "close", lambda: None)
    connection.inc_thread_sharing()
    # Each request's thread takes the test's connection (ThreadedWSGIServer's override).
    server = _Server(("127.0.0.1", 0), _Quiet, allow_reuse_address=False,
                     connections_override={"default": connection})
    server.set_app(_one_at_a_time(StaticFilesHandler(WSGIHandler())))
    thread = threading.Thread(target=server.serve_forever, name="live-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        connection.dec_thread_sharing()


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    """One Chromium for the session: launching it is a second or two, per module it added up.

    Playwright's sync API keeps an event loop running in this thread while it is started, so
    Django takes this thread for async code: its guard against database calls from async code
    is lifted from here on (only browser tests follow: pytest_collection_modifyitems), and it
    opens this thread a connection of the async context's own, which is closed here before the
    loop stops (else it would outlive the test database, created before: django_db_setup)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package "
                    "(apt-get install --no-install-recommends chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            connections.close_all()


# axe-core, vendored (vendor/README.txt). The rules of WCAG 2.0 to 2.2 at levels A and AA, and
# axe's best practices (landmarks, heading order); a violation of these impacts fails a test.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ["serious", "critical"]

# Run by the browser in every document (an init script, like axe itself, is not subject to the
# page's CSP, which refuses Playwright's add_script_tag): the check starts once the page and its
# own scripts have loaded; __axeCollect() answers it once per document, waiting for it.
_AXE_ON_LOAD = """
if (window.top === window) {
  addEventListener("load", () => {
    window.__axeAudit = new Promise((resolve) => setTimeout(resolve, 0))
      .then(() => { window.__axeRunning = true; })
      .then(() => axe.run(document, {runOnly: {type: "tag", values: AXE_TAGS},
                                     resultTypes: ["violations"]}))
      .finally(() => { window.__axeRunning = false; })
      .then((results) => results.violations
        .filter((v) => FAILING_IMPACTS.includes(v.impact))
        .map((v) => `${v.id} (${v.impact}): ${v.help}; at `
                    + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")
                    + (v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : "")))
      .catch((error) => [`axe-core could not check the page: ${error}`]);
  });
  // wait: whether to wait for the load event, if the check has not started yet.
  window.__axeCollect = (wait) => {
    if (window.__axeCollected || location.protocol === "about:") return null;
    if (!window.__axeAudit && !wait) return null;
    window.__axeCollected = true;
    const loaded = window.__axeAudit ? Promise.resolve()
      : new Promise((resolve) => addEventListener("load", resolve, {once: true}));
    return loaded.then(() => window.__axeAudit).then((found) => ({url: location.pathname
                                                                  + location.search, found}));
  };
}
""".replace("AXE_TAGS", json.dumps(AXE_TAGS)).replace("FAILING_IMPACTS",
                                                   json.dumps(FAILING_IMPACTS))


@dataclass
class PageProblems:
    """What a person would not see but a page must not do: errors in the console (a script
    failing, a file missing), uncaught exceptions, Content-Security-Policy violations, and
    accessibility violations (axe-core, serious or critical) of any page the browser loaded."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    checked_pages: list[str] = field(default_factory=list)
    allowed_accessibility: dict[str, str] = field(default_factory=dict)

    def console(self, message) -> None:
        # axe-core's own probes (a style it adds to measure) are refused by a strict CSP: not
        # the page's doing.
        if message.type == "error" and not message.location.get("url", "").endswith(AXE.name):
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def collect(self, page) -> None:
        """Add the CSP violations the page has recorded since it was loaded, and its
        accessibility check (waited for, the first time only)."""
        for violation in page.evaluate("window.__cspViolations || []"):
            if violation not in self.csp_violations:
                self.csp_violations.append(violation)
        self.check_accessibility(page)

    def check_accessibility(self, page, *, wait: bool = True) -> None:
        """Add the axe-core violations of the page now shown, once per page loaded; `wait`:
        for its load event, if it has not come yet (else the page is not checked)."""
        result = page.evaluate("(wait) => window.__axeCollect ? window.__axeCollect(wait) : null",
                               wait)
        if result is None:
            return
        self.checked_pages.append(result["url"])
        for found in result["found"]:
            rule = found.split(" ", 1)[0]
            if rule not in self.allowed_accessibility:
                self.accessibility.append(f"{result['url']}: {found}")

    def check_when_loaded(self, page) -> None:
        """Playwright's `load` handler: each page is checked as it loads, so that a page the
        test leaves at once is checked too (if the check ends before: see `sign_in`)."""
        with contextlib.suppress(PlaywrightError):  # the page was left before the end
            self.check_accessibility(page, wait=False)

    def allow(self, fragment: str) -> None:
        """Forget console errors containing `fragment`: an answer the page asked for by design
        (the rating page's 422, "choose a rating first") is logged by the browser as an error."""
        self.console_errors = [m for m in self.console_errors if fragment not in m]

    def allow_accessibility(self, rule: str, reason: str) -> None:
        """Stop failing on the axe rule `rule` in this test, for a stated reason (a violation
        reported and not fixed yet). Use sparingly: the reason is shown in the test's code."""
        self.allowed_accessibility[rule] = reason
        self.accessibility = [m for m in self.accessibility if f": {rule} (" not in m]

    def assert_none(self, page=None) -> None:
        if page is not None:
            self.collect(page)
        problems = ([f"console: {m}" for m in self.console_errors]
                    + [f"exception: {m}" for m in self.page_errors]
                    + [f"CSP: {m}" for m in self.csp_violations]
                    + [f"axe: {m}" for m in self.accessibility])
        assert not problems, "\n".join(problems)

    def assert_accessible(self, page) -> None:
        """No serious or critical axe-core violation on any page loaded so far."""
        self.check_accessibility(page)
        assert not self.accessibility, "\n".join(f"axe: {m}" for m in self.accessibility)


# Recorded by the browser itself (an init script is not subject to the page's CSP).
_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  if (window.__axeRunning) return;  // axe-core's probes (see PageProblems.console), not the page
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
                              + `at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
});
"""


@pytest.fixture
def viewport():
    return DESKTOP


def _open(chromium, live_site, viewport):
    """A new context (no cookies) and page on the live site, its problems recorded."""
    context = chromium.new_context(base_url=live_site, viewport=viewport, locale="en-GB",
                                   service_workers="block")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", problems.console)
    page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
    page.add_init_script(_RECORD_CSP)
    page.add_init_script(path=AXE)
    page.add_init_script(_AXE_ON_LOAD)

    page.on("load", problems.check_when_loaded)
    return context, page, problems


@pytest.fixture
def _browsing(chromium, live_site, viewport):
    context, page, problems = _open(chromium, live_site, viewport)
    yield page, problems
    if not page.is_closed():
        problems.check_accessibility(page)
    context.close()
    assert not problems.accessibility, "\n".join(f"axe: {m}" for m in problems.accessibility)


@pytest.fixture
def browser_page(_browsing):
    """A Playwright page in a fresh context (no cookies) on the live site: `goto("/people/")`."""
    return _browsing[0]


@pytest.fixture
def page_problems(_browsing):
    """The console errors, exceptions, CSP and accessibility violations of `browser_page`."""
    return _browsing[1]


@pytest.fixture
def second_browser(chromium, live_site):
    """Another person's browser on the same site, checked like `browser_page`:
    `page, problems = second_browser()` (a context of its own, so its own sign-in)."""
    opened = []

    def open_page(viewport=DESKTOP):
        context, page, problems = _open(chromium, live_site, viewport)
        opened.append((context, page, problems))
        return page, problems

    yield open_page
    for context, page, problems in opened:
        if not page.is_closed():
            problems.check_accessibility(page)
        context.close()
        assert not problems.accessibility, "\n".join(f"axe: {m}" for m in problems.accessibility)


def settle(page) -> None:
    """Wait for the accessibility check of the page now shown (started when it loaded): before
    leaving a page at once, so that it is checked too."""
    page.evaluate("window.__axeAudit ? window.__axeAudit.then(() => null) : null")


def sign_in(page, user, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would, and wait for the page after it
    (and for the accessibility check of both)."""
    page.goto("/accounts/login/")
    settle(page)
    form = page.locator("form[action$='/accounts/login/']")
    form.locator("input[name=login]").fill(user.username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
    settle(page)
