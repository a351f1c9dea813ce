"""Who may finalise an assessment: certification per instrument and version range, with expiry."""

import datetime
import re

from django.db.models import Count
from django.utils import timezone

from .models import Assessment, Certification


def version_key(version: str) -> tuple:
    """Order versions naturally: "1.10" after "1.9"; text parts compare as text."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"[.\-_]", version) if part)


def covers(certification: Certification, version: str) -> bool:
    key = version_key(version)
    if certification.min_version and key < version_key(certification.min_version):
        return False
    return not (certification.max_version and key > version_key(certification.max_version))


def current_certification(user, instrument_version, on: datetime.date | None = None):
    """The certification that lets `user` finalise with this instrument version today, or None."""
    on = on or timezone.localdate()
    candidates = Certification.objects.filter(
        user=user, instrument_code=instrument_version.instrument.code, revoked=False,
        certified_on__lte=on, expires_on__gte=on)
    return next((c for c in candidates if covers(c, instrument_version.version)), None)


def is_certified(user, instrument_version, on: datetime.date | None = None) -> bool:
    return current_certification(user, instrument_version, on) is not None


def renewal_key(certification: Certification) -> tuple:
    """Certifications with the same key renew one another: the latest is the current one."""
    c = certification
    return (c.user_id, c.instrument_code, c.min_version, c.max_version)


def latest_of(certifications) -> dict[tuple, Certification]:
    """renewal key -> the latest certification (by certification date) not revoked."""
    latest: dict[tuple, Certification] = {}
    for c in certifications:
        if c.revoked:
            continue
        key = renewal_key(c)
        if key not in latest or (c.certified_on, c.pk) > (latest[key].certified_on,
                                                          latest[key].pk):
            latest[key] = c
    return latest


def certification_overview(users, *, today: datetime.date | None = None) -> list[dict]:
    """For a manager: each user's certifications, what is expiring or due a booster, and their
    recent practice (assessments submitted in the last 12 months, so skills do not decay).
    Each certification's `state`: valid, expiring (within 60 days), expired, revoked, or
    renewed (a later one of the same instrument and versions is the current one)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=60)
    year_ago = timezone.now() - datetime.timedelta(days=365)
    practice = dict(
        Assessment.objects.filter(submitted_by__in=users, submitted_at__gte=year_ago)
        .values_list("submitted_by").annotate(n=Count("id")).values_list("submitted_by", "n"))
    certs = list(Certification.objects.filter(user__in=users).select_related("course")
                 .order_by("expires_on"))
    latest = latest_of(certs)
    by_user: dict[int, list] = {}
    for c in certs:
        c.state = ("revoked" if c.revoked else "renewed" if latest[renewal_key(c)] is not c
                   else "expired" if c.expires_on < today
                   else "expiring" if c.expires_on <= soon else "valid")
        c.booster_overdue = bool(c.booster_due_on and c.booster_due_on <= today and
                                 c.state in ("valid", "expiring"))
        by_user.setdefault(c.user_id, []).append(c)
    return [{"user": u, "certifications": by_user.get(u.pk, []),
             "recent_practice": practice.get(u.pk, 0)} for u in users]

