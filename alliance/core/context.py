"""Per-request facts the audit trail needs (address, request id, stated purpose), and a memo
for what access decisions read several times in one request (the user's case-team places).

Set by AuditContextMiddleware; commands and tests run with an empty context and no memo, so
outside a request nothing is remembered.
"""

import contextvars
from dataclasses import dataclass, field

# Set in the memo by core/purpose.py's memo_for: whether the request may write.
WRITING_KEY = "request_writes"


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


def remembered(key: tuple, compute, *, reads_only: bool = False):
    """compute(), once per request for `key` (every time outside a request). `reads_only`: only
    in a request that writes nothing (GET, HEAD, OPTIONS), for values a service of the same
    request could change (a case team, custody episodes) and must then read afresh."""
    cache = memo()
    if cache is None or (reads_only and cache.get(WRITING_KEY, True)):
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]

