"""The security headers that neither Django's SecurityMiddleware nor django-csp set, and a
system check that keeps the content-security policy strict.

Django sets HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy (SecurityMiddleware)
and X-Frame-Options (XFrameOptionsMiddleware); django-csp sets the Content-Security-Policy with
the request's nonce. This middleware adds Permissions-Policy and Cross-Origin-Resource-Policy.

It sits right after SecurityMiddleware, outside WhiteNoise, because WhiteNoise answers static
files itself and the middleware after it (django-csp's, the frame denial) never see them: here
every response gets the headers, and one without a policy gets the site's policy, without a
nonce (a static file has no inline script to allow).
"""

from csp.constants import HEADER, NONCE
from csp.utils import build_policy
from django.conf import settings
from django.core import checks

# Sources that would let an injected script or style run: never in the policy (E101).
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")
CHECKED_DIRECTIVES = ("default-src", "script-src", "script-src-elem", "script-src-attr",
                      "style-src", "style-src-elem", "style-src-attr")
MIDDLEWARE = "alliance.core.headers.SecurityHeadersMiddleware"


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "publickey-credentials-get": ["self"]}` -> `camera=(), ...=(self)`."""
    return ", ".join(f"{name}=({' '.join(allowed)})" for name, allowed in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": permissions_policy(settings.PERMISSIONS_POLICY),
            # Nothing of ours is meant to be read by another site, not even an image.
            "Cross-Origin-Resource-Policy": "same-origin",
            "X-Frame-Options": settings.X_FRAME_OPTIONS,
        }

    def __call__(self, request):
        response = self.get_response(request)
        exempt = getattr(response, "xframe_options_exempt", False)  # Django's own exemption
        for name, value in self.headers.items():
            if not (exempt and name == "X-Frame-Options"):
                response.headers.setdefault(name, value)
        # django-csp leaves Django's technical 404 and 500 pages alone when DEBUG is on (they
        # carry inline scripts and styles); so does this.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if HEADER not in response.headers and not debug_page:
            response.headers[HEADER] = build_policy()
        return response


@checks.register(checks.Tags.security)
def content_security_policy_check(app_configs, **kwargs):
    """The policy allows no inline script or style (a nonce aside), no eval and no other
    origin, and it is sent on every response: a change that loosens it fails `manage.py check`
    (and CI's `check --deploy`) instead of passing unnoticed."""
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {})
    problems = []
    for directive in CHECKED_DIRECTIVES:
        sources = directives.get(directive) or []
        loose = [s for s in sources if s is not NONCE and str(s).lower() in UNSAFE]
        if loose:
            problems.append(checks.Error(
                f"CONTENT_SECURITY_POLICY allows {', '.join(loose)} in {directive}.",
                hint="Move inline scripts and styles to files under alliance/static/ "
                     "(docs/architecture.md, the content-security policy).",
                id="alliance.E101"))
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(checks.Error("CONTENT_SECURITY_POLICY must deny framing: "
                                     "\"frame-ancestors\": [\"'none'\"].", id="alliance.E102"))
    if NONCE not in (directives.get("script-src") or []):
        problems.append(checks.Error("CONTENT_SECURITY_POLICY's script-src must carry "
                                     "csp.constants.NONCE.", id="alliance.E103"))
    if MIDDLEWARE not in settings.MIDDLEWARE or "csp.middleware.CSPMiddleware" not in (
            settings.MIDDLEWARE):
        problems.append(checks.Error(f"MIDDLEWARE must hold {MIDDLEWARE} and "
                                     "csp.middleware.CSPMiddleware.", id="alliance.E104"))
    return problems
