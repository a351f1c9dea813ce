"""The kinds of tasks and notifications, and the daily functions, that modules register.

Each module registers from its own `apps.py` `ready()`; the work app imports no module above it.

    register_task_kind("reassessment_due",
                       label=gettext_lazy("Reassessment due for %(reference)s"),
                       url=lambda task: ..., params=("reference",))
    register_notification_kind("assessment_returned", label=..., url=..., params=("reference",))
    register_daily("assessments.reassessment_due", function)   # function(today) -> int | None

A kind's `params` is the allow-list of parameter names the services accept for it. Values are
short scalars only (a reference, a date, a count): no module can slip free text, and so no
compartment content, into a task or a notification. Parameters whose name ends in `_on` are
dates, shown in the reader's format.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import formats

# Long enough for a reference (20) or an ISO date-time; too short for a sentence of evidence.
MAX_PARAM_LENGTH = 40


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # a lazy translation with %(name)s placeholders
    params: frozenset[str]
    url: Callable | None = None  # callable(task or notification) -> URL or None


_TASK_KINDS: dict[str, Kind] = {}
_NOTIFICATION_KINDS: dict[str, Kind] = {}
_DAILY: dict[str, Callable] = {}


def _register(registry: dict, what: str, code: str, label, url, params) -> Kind:
    kind = Kind(code=code, label=label, params=frozenset(params), url=url)
    existing = registry.get(code)
    if existing is not None and (str(existing.label), existing.params) != (str(label),
                                                                          kind.params):
        raise ImproperlyConfigured(f"The {what} kind {code!r} is registered twice, differently.")
    registry[code] = kind
    return kind


def register_task_kind(code: str, *, label, url: Callable | None = None,
                       params=("reference",)) -> Kind:
    """Declare a kind of task: its title (a lazy translation using `params`), and where the
    task leads (`url(task)`, or None for no link)."""
    return _register(_TASK_KINDS, "task", code, label, url, params)


def register_notification_kind(code: str, *, label, url: Callable | None = None,
                               params=("reference",)) -> Kind:
    """Declare a kind of notification: its text, and the page it links to
    (`url(notification)`: the target's own page, whose access check decides at click time)."""
    return _register(_NOTIFICATION_KINDS, "notification", code, label, url, params)


def register_daily(name: str, function: Callable) -> None:
    """Add `function(today: datetime.date)` to the daily job (daily.py). It must be idempotent:
    the job may run it again the same day (`run_daily --force`), and it must create nothing new
    then. It may return a count of what it changed, for the log."""
    if name in _DAILY and _DAILY[name] is not function:
        raise ImproperlyConfigured(f"The daily function {name!r} is registered twice.")
    _DAILY[name] = function


def task_kind(code: str) -> Kind:
    try:
        return _TASK_KINDS[code]
    except KeyError:
        raise ValueError(f"unknown task kind {code!r}: register it from the module's apps.py")


def notification_kind(code: str) -> Kind:
    try:
        return _NOTIFICATION_KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}: register it from the module's "
                         "apps.py")


def task_kinds() -> dict[str, Kind]:
    return dict(_TASK_KINDS)


def notification_kinds() -> dict[str, Kind]:
    return dict(_NOTIFICATION_KINDS)


def daily_functions() -> dict[str, Callable]:
    return dict(_DAILY)


def clean_params(kind: Kind, params: dict | None) -> dict:
    """The parameters as stored: names on the kind's allow-list, values short scalars (dates as
    ISO text). Anything else is a programming error in the calling module: ValueError."""
    cleaned = {}
    for name, value in (params or {}).items():
        if name not in kind.params:
            raise ValueError(f"{kind.code}: parameter {name!r} is not allowed "
                             f"(allowed: {sorted(kind.params)})")
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError(f"{kind.code}: parameter {name!r} must be text, a number or a date")
        if isinstance(value, str) and len(value) > MAX_PARAM_LENGTH:
            raise ValueError(f"{kind.code}: parameter {name!r} is longer than "
                             f"{MAX_PARAM_LENGTH} characters; store a code, not text")
        cleaned[name] = value
    return cleaned


class _Shown(dict):
    def __missing__(self, key):
        return "—"


def _shown(name: str, value):
    if name.endswith("_on") and isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


def render(registry_kind: Kind | None, code: str, params: dict) -> str:
    """The kind's sentence in the reader's language (the code itself for a kind no module
    registers any more)."""
    if registry_kind is None:
        return code
    try:
        return str(registry_kind.label) % _Shown({k: _shown(k, v) for k, v in params.items()})
    except (TypeError, ValueError):
        return code


def task_title(task) -> str:
    return render(_TASK_KINDS.get(task.kind), task.kind, task.params)


def notification_text(notification) -> str:
    return render(_NOTIFICATION_KINDS.get(notification.kind), notification.kind,
                  notification.params)


def task_url(task) -> str | None:
    kind = _TASK_KINDS.get(task.kind)
    return kind.url(task) if kind and kind.url else None


def notification_url(notification) -> str | None:
    kind = _NOTIFICATION_KINDS.get(notification.kind)
    return kind.url(notification) if kind and kind.url else None
