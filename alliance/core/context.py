"""Per-request facts the audit trail needs (address, request id, stated purpose).

Set by AuditContextMiddleware; commands and tests run with an empty context.
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str = ""
    request_id: str = ""
    purpose: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "alliance_request_context", default=RequestContext()  # noqa: B039 - frozen, immutable
)


def current() -> RequestContext:
    return _current.get()


def activate(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
