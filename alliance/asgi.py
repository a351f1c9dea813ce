import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
application = get_asgi_application()

from alliance.accounts.checks import verify_separation_of_duties  # noqa: E402
from alliance.core.checks import verify_encryption_keys  # noqa: E402

verify_encryption_keys()
verify_separation_of_duties()
