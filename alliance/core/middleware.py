import uuid

from . import context


class AuditContextMiddleware:
    """Makes the request's address, id and stated purpose available to the audit trail.

    The purpose comes from the `X-Alliance-Purpose` header (integrations) or a `purpose` query
    parameter (links that say why a record is opened).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        purpose = request.headers.get("X-Alliance-Purpose") or request.GET.get("purpose", "")
        token = context.activate(
            context.RequestContext(
                ip_address=request.META.get("REMOTE_ADDR", ""),
                request_id=str(uuid.uuid4()),
                purpose=purpose[:300],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response.headers.setdefault("Cache-Control", "no-store, private")
        return response
