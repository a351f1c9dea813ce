"""Start-up check: no account both administers the system and works on cases (or audits)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .services import administration_conflicts

MESSAGE = ("Separation of duties: these accounts hold the system administrator role (or are "
           "superusers) beside a casework or data protection role: {names}. Remove one of the "
           "roles (use two accounts) before starting in production. See "
           "docs/data-protection.md.")


def verify_separation_of_duties() -> None:
    """In production, refuse to start while any account combines administration with casework."""
    if not settings.PRODUCTION:
        return
    try:
        names = administration_conflicts()
    except DatabaseError:
        return  # not migrated yet: no accounts
    if names:
        raise ImproperlyConfigured(MESSAGE.format(names=", ".join(names)))


@checks.register(checks.Tags.security)
def separation_of_duties_check(app_configs, **kwargs):
    try:
        names = administration_conflicts()
    except DatabaseError:
        return []
    if not names:
        return []
    level = checks.Error if settings.PRODUCTION else checks.Warning
    return [level(MESSAGE.format(names=", ".join(names)), id="alliance.E002")]
