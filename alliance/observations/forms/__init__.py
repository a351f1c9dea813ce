"""The dynamic-security forms, one module per side: the observer's (observe.py) and the
analyst's (analyst.py)."""
