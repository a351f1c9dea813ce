"""How many API requests a user, and each of their tokens, may make.

Two budgets are counted for every authenticated request:

* the user's: every request of the user, whichever token or session carries it, so that a user
  with two tokens shares one budget;
* the token's (requests carrying a knox token only): each token has its own, smaller budget, so
  that one runaway script cannot spend the whole of its owner's.

Each budget has a burst rate and a sustained rate (settings API_THROTTLE_*, "count/period" with
period s, min, hour or day). The counts are kept in fixed windows in the default cache, which is
the database cache shared by every app server (settings.CACHES), so the limit holds however many
workers there are. One cache entry per user or token holds both its windows: one read for both
budgets, and one write per budget, per request. One throttle class checks both budgets, so that
a request refused by one does not spend the other. Refused requests are not counted, and the
answer says when the window that refused it ends (`wait`: the Retry-After header and the message).

Anonymous requests are never throttled here: every endpoint needs a user, and authentication
(401) comes before throttling in DRF; failed sign-ins are limited by django-axes.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600,
           "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True)
class Rate:
    """`count` requests per `period` seconds, named for the cache entry ("burst", "sustained")."""

    name: str
    count: int
    period: int


_RATE = re.compile(r"(\d+)\s*/\s*(\d*)\s*([a-z]+)")


def parse_rate(name: str, text: str) -> Rate | None:
    """"600/min" as Rate(name, 600, 60), "20/5s" as Rate(name, 20, 5); "" or "0" (no limit) as
    None."""
    text = text.strip().lower()
    if text in ("", "0"):
        return None
    match = _RATE.fullmatch(text)
    if not match or match[3] not in PERIODS or int(match[2] or 1) < 1:
        raise ImproperlyConfigured(
            f"An API throttle rate must read like '600/min' or '20/5s', not {text!r}.")
    return Rate(name, int(match[1]), int(match[2] or 1) * PERIODS[match[3]])


class ApiRateThrottle(BaseThrottle):
    """The user's budget and, for a request carrying a token, the token's: a request is let
    through only if both have room, and only then counted in both (a request refused by one
    budget spends neither)."""

    def budgets(self, request) -> dict[str, list[Rate]]:
        """The cache key and rates of each budget the request spends."""
        user = request.user
        if not (user and user.is_authenticated):
            return {}
        budgets = {f"api-throttle:user:{user.pk}": _rates("API_THROTTLE_USER")}
        # knox's token_key is the token's public prefix (stored in clear to look tokens up),
        # not the secret: safe in a cache key.
        token_key = getattr(request.auth, "token_key", None)
        if token_key:
            budgets[f"api-throttle:token:{token_key}"] = _rates("API_THROTTLE_TOKEN")
        return {key: rates for key, rates in budgets.items() if rates}

    def allow_request(self, request, view) -> bool:
        self._wait = None
        budgets = self.budgets(request)
        if not budgets:
            return True
        cache = caches["default"]  # the shared database cache: the same count on every server
        now = timezone.now().timestamp()
        stored = cache.get_many(list(budgets))
        updated, waits = {}, []
        for key, rates in budgets.items():
            counts = stored.get(key) or {}
            updated[key] = {}
            for rate in rates:
                window = int(now // rate.period)
                seen_window, seen = counts.get(rate.name, (window, 0))
                used = seen if seen_window == window else 0
                if used >= rate.count:
                    waits.append((window + 1) * rate.period - now)
                updated[key][rate.name] = (window, used + 1)
        if waits:
            self._wait = max(waits)
            return False
        for key, counts in updated.items():
            cache.set(key, counts, timeout=max(rate.period for rate in budgets[key]))
        return True

    def wait(self) -> float | None:
        """Seconds until the window that refused the request ends."""
        return self._wait


def _rates(name: str) -> list[Rate]:
    # Read at each request (not at import, as DRF's rates are), so that a change of settings
    # (in a test, or a deployment's environment) applies without touching DRF's settings cache.
    burst = parse_rate("burst", getattr(settings, name))
    sustained = parse_rate("sustained", getattr(settings, f"{name}_SUSTAINED"))
    return [rate for rate in (burst, sustained) if rate]
