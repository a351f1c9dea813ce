"""The API's documentation page: Swagger UI from drf-spectacular's sidecar (vendored, served
from this origin), on a page of the site's own.

drf-spectacular's pages carry an inline <style> and build their start-up script per request,
which a strict content-security policy refuses or must trust as if it were a file. Here the page
is an ordinary template, the start-up script a static file (alliance/api-docs.js) that reads
what it needs from the page's data attributes, and no inline script or style is needed.

The schema (about 600 kB) takes a second or two to build on every request, which the docs page
showed as a spinner: it is built once per process and language, as it changes only with the
code. It is the same for every user (drf-spectacular's SERVE_PUBLIC), and served to signed-in
users only.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


@require_GET
def api_docs(request):
    """Swagger UI for the API, for every signed-in user (the schema holds no data)."""
    csrf_header = settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")
    return render(request, "core/api_docs.html", {
        "schema_url": reverse("api-schema") + "?format=json",
        "csrf_header": csrf_header,
    })


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, with the schema kept per language and API version."""

    _schemas: dict = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (get_language(), version)
        if key not in self._schemas:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version,
                                             patterns=self.patterns)
            self._schemas[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(data=self._schemas[key],
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})
