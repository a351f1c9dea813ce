"""The content-security policy and the other security headers, on every kind of response: a
page, an htmx partial, the API's JSON, the error pages, the admin, allauth's sign-in, the API
docs, a PDF, a CSV and a static file. The served HTML is parsed: an inline script runs only with
the response's nonce, and no page carries a style="..." or an onclick="..." attribute.

tests/security/test_headers_walk.py applies the same checks to every page of the site."""

import re
from html.parser import HTMLParser

import pytest
from django.core import checks
from django.test import Client, override_settings
from django.urls import path, reverse

from alliance import urls as site_urls
from alliance.core import errorviews, headers
from alliance.site.api_docs import SchemaView

from ..conftest import login

pytestmark = pytest.mark.django_db

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:",
          "data:")
# Executable script types: any other type (application/json, say) is a data block, which the
# browser never runs and the policy does not govern.
SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")
OTHER_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


# --- what every response is checked for ---------------------------------------------------------


def directives(response) -> dict[str, list[str]]:
    policy = response.get("Content-Security-Policy", "")
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def nonce_of(response) -> str | None:
    found = [s for s in directives(response).get("script-src", []) if s.startswith("'nonce-")]
    return found[0][len("'nonce-"):-1] if found else None


class _Markup(HTMLParser):
    """What of a page the policy governs: its script and style elements, style and event
    handler attributes, javascript: addresses and resources of other origins."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []  # attributes, plus "inline": its text
        self.styles: list[dict] = []
        self.attributes: list[str] = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name == "style" or name.startswith("on"):
                self.attributes.append(f"<{tag} {name}=\"{value[:40]}\">")
            if name in ("href", "src", "action", "formaction") and value.strip().lower(
                    ).startswith("javascript:"):
                self.attributes.append(f"<{tag} {name}=\"{value[:40]}\">")
            if (name == "src" or (tag == "link" and name == "href")) and re.match(
                    r"^(https?:)?//", value.strip()):
                self.attributes.append(f"<{tag} {name}=\"{value[:60]}\"> (another origin)")
        if tag == "script":
            self._script = {**attributes, "inline": ""}
            self.scripts.append(self._script)
        elif tag == "style":
            self.styles.append(attributes)

    def handle_data(self, data):
        if self._script is not None:
            self._script["inline"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def markup(response) -> _Markup:
    parser = _Markup()
    body = b"".join(response) if response.streaming else response.content
    parser.feed(body.decode(response.charset or "utf-8", errors="replace"))
    return parser


def problems(response) -> list[str]:
    """Everything wrong with `response` under the policy; empty when all is well."""
    found = []
    policy = directives(response)
    if not policy or "default-src" not in policy:
        return ["no Content-Security-Policy"]
    for name, sources in policy.items():
        for source in sources:
            if source.lower() in UNSAFE and not (name in ("img-src",) and source == "data:"):
                found.append(f"{name} allows {source}")
    for name, sources in [("frame-ancestors", ["'none'"]), ("object-src", ["'none'"]),
                          ("base-uri", ["'none'"]), ("script-src-attr", ["'none'"]),
                          ("style-src-attr", ["'none'"])]:
        if policy.get(name) != sources:
            found.append(f"{name} is {policy.get(name)}, not {sources}")
    for name, value in OTHER_HEADERS.items():
        if response.get(name) != value:
            found.append(f"{name}: {response.get(name)!r}, not {value!r}")
    permissions = response.get("Permissions-Policy", "")
    if "camera=()" not in permissions or "publickey-credentials-get=(self)" not in permissions:
        found.append(f"Permissions-Policy: {permissions!r}")
    if not response.get("Content-Type", "").startswith("text/html"):
        return found
    nonce = nonce_of(response)
    page = markup(response)
    for script in page.scripts:
        executable = script.get("type", "").lower() in SCRIPT_TYPES
        if executable and "src" not in script and (not nonce or script.get("nonce") != nonce):
            found.append(f"an inline script without the response's nonce: "
                         f"{script['inline'].strip()[:60]!r}")
        if "nonce" in script and script["nonce"] != nonce:
            found.append(f"a script with the nonce {script['nonce']!r}, the header's: {nonce!r}")
    found += [f"a <style> element: {s}" for s in page.styles]
    found += [f"an attribute the policy blocks: {a}" for a in page.attributes]
    return found


def assert_strict(response, *, status=200) -> None:
    assert response.status_code == status, (response.status_code, response.get("Location"))
    found = problems(response)
    assert not found, "\n".join(found)


# --- each kind of response ----------------------------------------------------------------------


def test_a_page_has_a_strict_policy_and_its_scripts_carry_the_response_s_nonce(world):
    response = login(world.treatment_a).get(reverse("people:detail", args=[world.person_a.uuid]))

    assert_strict(response)
    nonce = nonce_of(response)
    scripts = markup(response).scripts
    assert nonce and len(nonce) >= 22  # 16 random bytes, base64
    assert scripts and all(script["nonce"] == nonce for script in scripts)
    assert "'self'" in directives(response)["script-src"]


def test_each_response_has_a_nonce_of_its_own(world):
    client = login(world.treatment_a)

    first, second = (nonce_of(client.get(reverse("people:caseload"))) for _ in range(2))

    assert first and second and first != second


def test_an_htmx_partial_has_the_policy_and_no_inline_script(world):
    response = login(world.treatment_a).get(reverse("people:caseload"), HTTP_HX_REQUEST="true")

    assert_strict(response)
    assert b"<html" not in response.content  # the partial, not the page
    assert not [s for s in markup(response).scripts if "src" not in s]


def test_the_api_answers_json_with_the_policy_and_the_other_headers(world):
    client = login(world.treatment_a)

    listed = client.get(reverse("api:person-list"))
    missing = client.get("/api/v1/persons/00000000-0000-0000-0000-000000000000/")

    assert_strict(listed)
    assert listed["Content-Type"] == "application/json"
    assert_strict(missing, status=404)
    assert missing["Content-Type"] == "application/json"


def test_the_not_found_and_the_refused_pages_have_the_policy(world):
    client = login(world.treatment_a)

    not_found = client.get("/no-such-page/")
    refused = client.get(reverse("audit"))  # the DPO's page

    assert_strict(not_found, status=404)
    assert_strict(refused, status=403)
    assert nonce_of(not_found) == markup(not_found).scripts[0]["nonce"]


def test_a_form_sent_with_an_expired_csrf_token_gets_the_site_s_page_not_django_s(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.treatment_a, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(reverse("set_language"), {"language": "sq", "next": "/"})

    assert_strict(response, status=403)
    assert b"The form was sent from a page that has expired" in response.content
    assert not markup(response).styles  # Django's own page has an inline <style>


def _fails(request):
    raise RuntimeError("a view that fails")


# The site's addresses (its pages link to them), and one that fails.
urlpatterns = [path("fails/", _fails), *site_urls.urlpatterns]
handler500 = errorviews.server_error


@pytest.mark.urls(__name__)
def test_the_server_error_page_has_the_policy(world):
    client = login(world.treatment_a)
    client.raise_request_exception = False

    response = client.get("/fails/")

    assert_strict(response, status=500)
    assert b"Something went wrong" in response.content  # the site's page, not Django's


def test_the_admin_pages_have_the_policy_and_no_inline_script(world):
    client = login(world.admin)
    pages = [reverse("admin:index"), reverse("admin:organisations_agency_changelist"),
             reverse("admin:organisations_agency_add"),
             reverse("admin:organisations_agency_change", args=[world.prison_a.pk])]

    for url in pages:
        assert_strict(client.get(url))


def test_the_sign_in_page_has_the_policy(world):
    response = Client().get(reverse("account_login"))

    assert_strict(response)
    assert nonce_of(response)


def test_the_api_docs_load_swagger_ui_and_its_start_up_script_from_files(world):
    response = login(world.treatment_a).get(reverse("api-docs"))

    assert_strict(response)
    sources = [s.get("src", "") for s in markup(response).scripts]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "/static/alliance/api-docs.js" in sources
    assert all(sources)  # no inline script at all
    assert b'data-schema-url="/api/schema/?format=json"' in response.content
    assert b'data-csrf-header="X-CSRFTOKEN"' in response.content


def test_the_api_docs_send_a_visitor_who_is_not_signed_in_to_the_sign_in_page(world):
    response = Client().get(reverse("api-docs"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_schema_is_built_once_per_language_and_served_from_then_on(world):
    SchemaView._schemas.clear()
    client = login(world.treatment_a)

    first = client.get(reverse("api-schema"), {"format": "json"})
    again = client.get(reverse("api-schema"), {"format": "json"})
    albanian = client.get(reverse("api-schema"), {"format": "json", "lang": "sq"})

    assert first.status_code == again.status_code == albanian.status_code == 200
    assert first.json() == again.json()
    assert "/api/v1/persons/" in first.json()["paths"]
    assert {language for language, _version in SchemaView._schemas} == {"en", "sq"}
    assert_strict(first)


def test_the_schema_is_for_signed_in_users_only(world):
    assert Client().get(reverse("api-schema")).status_code == 401


def test_a_pdf_and_a_csv_have_the_policy(world):
    from alliance.plans import pdf

    try:
        pdf.load_weasyprint()
    except Exception:  # noqa: BLE001 - no Pango on this machine
        pytest.skip("WeasyPrint cannot load Pango here")
    pdf_response = login(world.treatment_a).get(reverse("release:pdf",
                                                        args=[world.person_a.uuid]))
    csv_response = login(world.dpo).get(reverse("audit_export"))

    assert_strict(pdf_response)
    assert pdf_response["Content-Type"] == "application/pdf"
    assert_strict(csv_response)
    assert csv_response["Content-Type"].startswith("text/csv")


def test_a_static_file_served_by_whitenoise_has_the_policy_and_the_headers(world):
    response = Client().get("/static/alliance/alliance.css")

    assert_strict(response)
    assert nonce_of(response) is None  # nothing inline to allow in a file
    assert b".bg-alliance" in b"".join(response)


def test_the_permissions_policy_lets_only_this_site_use_security_keys(world):
    response = login(world.treatment_a).get(reverse("people:caseload"))

    features = dict(f.split("=", 1) for f in response["Permissions-Policy"].split(", "))
    assert features["publickey-credentials-get"] == "(self)"
    assert features["publickey-credentials-create"] == "(self)"
    for denied in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[denied] == "()"


def test_the_frame_denial_and_the_policy_are_sent_on_a_redirect_too(world):
    response = Client().get(reverse("people:caseload"))

    assert_strict(response, status=302)


# --- the system check that keeps the policy strict ----------------------------------------------


def _policy_with(**changes):
    from django.conf import settings

    policy = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], **changes}
    return override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": policy})


def test_the_check_passes_the_site_s_policy():
    assert headers.content_security_policy_check(None) == []
    assert not [m for m in checks.run_checks(tags=[checks.Tags.security])
                if m.id.startswith("alliance.E10")]


def test_the_check_refuses_a_policy_that_allows_inline_scripts_or_eval():
    with _policy_with(**{"script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"]}):
        found = headers.content_security_policy_check(None)

    assert [m.id for m in found] == ["alliance.E101", "alliance.E103"]
    assert "'unsafe-inline', 'unsafe-eval' in script-src" in found[0].msg


def test_the_check_refuses_a_policy_that_allows_inline_styles_or_framing():
    with _policy_with(**{"style-src": ["'self'", "'unsafe-inline'"],
                         "frame-ancestors": ["'self'"]}):
        found = headers.content_security_policy_check(None)

    assert [m.id for m in found] == ["alliance.E101", "alliance.E102"]


def test_the_check_refuses_a_site_without_the_headers_middleware(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != headers.MIDDLEWARE]

    assert [m.id for m in headers.content_security_policy_check(None)] == ["alliance.E104"]
