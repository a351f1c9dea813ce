"""The languages of the region beyond what Django and its libraries ship.

- `cnr` (Montenegrin): Django has no entry for it; `apps.py` adds one to `LANG_INFO`.
- `cyrillic.py`: Serbian Latin to Cyrillic, from which the `sr` catalogue is generated.
- `locale/`: catalogues of third-party strings (Django, allauth) in the languages their own
  packages lack. This folder holds no source strings of its own: `make messages` skips it, so
  these catalogues are never rewritten from our code.
"""
