# Bosnian: Django's own module has "Y M j" short dates and an English-style month abbreviation.
# The same formats as Serbian (Latin): one definition, alliance/formats/sr_Latn/formats.py.
from alliance.formats.sr_Latn.formats import *  # noqa: F403
