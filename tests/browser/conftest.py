"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium; `make test` and CI
install it, and Playwright never downloads a browser) against the site served from a thread.

    def test_it_rates_a_domain(browser_page, page_problems, world):
        sign_in(browser_page, world.treatment_a)
        browser_page.goto(f"/assessments/{uuid}/")      # paths are relative to the live site
        ...
        page_problems.assert_none()                      # no console error, CSP violation...

Phone width: parametrize `viewport` with PHONE (`@pytest.mark.parametrize("viewport", [PHONE])`).

Why not pytest-django's `live_server`: it makes the test transactional, and the flush that ends a
transactional test is refused by the audit trail's append-only triggers (on both databases).
`live_site` serves the site from a thread that shares the test's own database connection, inside
the test's transaction, like the test client: fixtures such as `world` work unchanged and
everything is rolled back. Requests are served one at a time, since they share that connection;
wait for the page (Playwright's expectations do) before reading the database in the test.
"""

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # wing staff's phones (STYLE.md)


def pytest_collection_modifyitems(items):
    """Everything under tests/browser/ is marked `browser` (`-m "not browser"` leaves it out)."""
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


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


@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in this thread while it is started, so
    Django takes this thread for async code: its guard against database calls from async code
    is lifted for the module (and only for it), and it opens this thread a connection of the
    async context's own, which is closed here before the loop stops (else it would outlive the
    test database)."""
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


@dataclass
class PageProblems:
    """What a person would not see but a page must not do: errors in the console (a script
    failing, a file missing), uncaught exceptions and Content-Security-Policy violations."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def console(self, message) -> None:
        url = message.location.get("url", "")
        # The site declares no icon, so the browser asks for /favicon.ico and gets a 404: not
        # a fault of the page under test.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.console_errors.append(f"{message.text} ({url})")

    def collect(self, page) -> None:
        """Add the CSP violations the page has recorded since it was loaded."""
        for violation in page.evaluate("window.__cspViolations || []"):
            if violation not in self.csp_violations:
                self.csp_violations.append(violation)

    def allow(self, fragment: str) -> None:
        """Forget console errors containing `fragment`: an answer the page asked for by design
        (the rating page's 422, "choose a rating first") is logged by the browser as an error."""
        self.console_errors = [m for m in self.console_errors if fragment not in m]

    def assert_none(self, page=None) -> None:
        if page is not None:
            self.collect(page)
        problems = ([f"console: {m}" for m in self.console_errors]
                    + [f"exception: {m}" for m in self.page_errors]
                    + [f"CSP: {m}" for m in self.csp_violations])
        assert not problems, "\n".join(problems)


# Recorded by the browser itself (an init script is not subject to the page's CSP).
_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
                              + `at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
});
"""


@pytest.fixture
def viewport():
    return DESKTOP


@pytest.fixture
def _browsing(chromium, live_site, viewport):
    context = chromium.new_context(base_url=live_site, viewport=viewport, locale="en-GB",
                                   service_workers="block")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", problems.console)
    page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
    page.add_init_script(_RECORD_CSP)
    yield page, problems
    context.close()


@pytest.fixture
def browser_page(_browsing):
    """A Playwright page in a fresh context (no cookies) on the live site: `goto("/people/")`."""
    return _browsing[0]


@pytest.fixture
def page_problems(_browsing):
    """The console errors, exceptions and CSP violations of `browser_page` so far."""
    return _browsing[1]


def sign_in(page, user, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would, and wait for the page after it."""
    page.goto("/accounts/login/")
    form = page.locator("form[action$='/accounts/login/']")
    form.locator("input[name=login]").fill(user.username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
