from django.apps import AppConfig
from django.conf.locale import LANG_INFO

# Montenegrin: ISO 639-3 `cnr`. Django has no catalogue or LANG_INFO entry for it; ours are
# here (locale/cnr) and in alliance/locale/cnr. Plural rules as Serbian's.
MONTENEGRIN = {"bidi": False, "code": "cnr", "name": "Montenegrin", "name_local": "crnogorski"}


class LanguagesConfig(AppConfig):
    name = "alliance.languages"
    verbose_name = "Languages"

    def ready(self):
        LANG_INFO.setdefault("cnr", MONTENEGRIN)
