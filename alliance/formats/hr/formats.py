# Croatian: the month in the genitive (E) in long dates, as Django has it; the rest as Serbian
# (Latin), alliance/formats/sr_Latn/formats.py.
from alliance.formats.sr_Latn.formats import *  # noqa: F403

DATE_FORMAT = "j. E Y."
DATETIME_FORMAT = "j. E Y. H:i"
