# English as written in the region's services: day before month, 24-hour clock.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
