# Montenegrin: Django has no module for it.
# The same formats as Serbian (Latin): one definition, alliance/formats/sr_Latn/formats.py.
from alliance.formats.sr_Latn.formats import *  # noqa: F403
