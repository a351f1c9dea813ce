"""The client's address, for the audit trail and the sign-in limits alike.

Behind a reverse proxy every request comes from the proxy's address. Only when the request
comes from an address listed in TRUSTED_PROXIES is X-Forwarded-For read: from the right, the
first address that is not itself a trusted proxy is the client's. A client cannot forge its
address by sending the header itself, since its own entry is the one the proxy appends.
"""

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote not in trusted or not forwarded:
        return remote
    for address in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if address not in trusted:
            return address[:45]
    return remote
