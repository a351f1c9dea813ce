"""The plans module's pages: the plan (plan.py) and the engagement it organises
(engagement.py). Views are short: fetch through access.py, call a service, render."""
