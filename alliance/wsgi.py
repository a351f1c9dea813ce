import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
application = get_wsgi_application()

# Fail at start-up, not on the first person page, if the keys cannot read this database, and
# (in production) while an account combines administration with casework.
from alliance.accounts.checks import verify_separation_of_duties  # noqa: E402
from alliance.core.checks import verify_encryption_keys  # noqa: E402

verify_encryption_keys()
verify_separation_of_duties()
