# Serbian (Latin), and through it Serbian (Cyrillic), Bosnian, Montenegrin and Croatian.
# Day before month with a closing dot (26.11.2026.), two-digit days in short dates so that
# columns of dates line up, 24-hour clock.
DATE_FORMAT = "j. F Y."
SHORT_DATE_FORMAT = "d.m.Y."
DATETIME_FORMAT = "j. F Y. H:i"
SHORT_DATETIME_FORMAT = "d.m.Y. H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y."
MONTH_DAY_FORMAT = "j. F"
FIRST_DAY_OF_WEEK = 1
# ISO first: the browser's date field sends it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y.", "%d.%m.%Y", "%d. %m. %Y."]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
