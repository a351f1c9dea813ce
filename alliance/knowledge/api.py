"""The knowledge and training API, mounted under /api/v1/ (alliance/urls.py)."""

from .entries.api import urls as entry_urls
from .meetings.api import urls as meeting_urls
from .methodology.api import urls as methodology_urls
from .recommendations.api import urls as recommendation_urls
from .training.api import urls as training_urls

urls = [*entry_urls, *meeting_urls, *recommendation_urls, *methodology_urls, *training_urls]
