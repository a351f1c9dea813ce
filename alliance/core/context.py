"""Per-request facts the audit trail needs (address, request id, stated purpose), and a memo
for what access decisions read several times in one request (the user's case-team places).

Set by AuditContextMiddleware; commands and tests run with an empty context and no memo, so
outside a request nothing is remembered.
"""

import contextvars
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    ip_address: str = ""
    request_id: str = ""
    purpose: str = ""
    memo: dict | None = field(default=None, compare=False)


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "alliance_request_context", default=RequestContext()  # noqa: B039 - frozen, immutable
)


def current() -> RequestContext:
    return _current.get()


def activate(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


def memo() -> dict | None:
    """This request's memo (a dict), or None outside a request."""
    return _current.get().memo
