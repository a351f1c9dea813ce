"""The coordination API, mounted under /api/v1/ (alliance/urls.py)."""

from .agreements.api import urls as agreement_urls
from .conferences.api import urls as conference_urls
from .referrals.api import urls as referral_urls

urls = [*agreement_urls, *referral_urls, *conference_urls]
