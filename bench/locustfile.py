"""The load scenario of bench/load.py: practitioners at work, as locust users.

Each locust user is one practitioner prepared by bench/load.py (LOAD_PRACTITIONERS names the
JSON file): already signed in (their session cookie), with the people, plans and observation
forms their role opens. Between two pages a practitioner reads for one to three seconds. The mix,
by weight: the person page (the most used), the caseload, my work and the home page, a search of
the caseload by name, a plan page, the API's person list, and saving an observation (the record
form is loaded, then posted: the write path with its audit event and the escalation check).

Run through bench/load.py, which starts the server and seeds the data; by hand:
    LOAD_PRACTITIONERS=var/load/practitioners.json .venv/bin/locust -f bench/locustfile.py \\
        --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8765
A page counts as an error unless it answers 200 (302 for the saved observation), so a session
sent to the sign-in or set-up page, a 403/404, a 429 or a 500 all show in the error count.
"""

import itertools
import json
import os
import random
import re
import threading
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

with open(os.environ["LOAD_PRACTITIONERS"]) as f:
    PRACTITIONERS = json.load(f)
# The app servers (bench/load.py --servers): each practitioner stays on one, in turn, as a load
# balancer with sticky sessions would place them.
HOSTS = os.environ.get("LOAD_HOSTS", "").split()
_next = itertools.count()
_next_host = itertools.count()
_lock = threading.Lock()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Practitioner(FastHttpUser):
    """geventhttpclient, not python-requests: locust shares the machine's two cores with the
    servers and PostgreSQL, and this client costs it a fraction of the CPU."""

    wait_time = between(1, 3)

    def __init__(self, environment):
        if HOSTS:
            with _lock:
                self.host = HOSTS[next(_next_host) % len(HOSTS)]
        super().__init__(environment)

    def on_start(self):
        with _lock:
            self.me = PRACTITIONERS[next(_next) % len(PRACTITIONERS)]
        self.client.cookiejar.set_cookie(create_cookie(
            self.me["cookie_name"], self.me["cookie"], domain=urlsplit(self.host).hostname))
        self.rng = random.Random(self.me["username"])  # noqa: S311 - choice of pages only

    def _get(self, url, name):
        with self.client.get(url, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    @task(6)
    def person_page(self):
        if self.me["people"]:
            self._get(self.rng.choice(self.me["people"]), "person page")

    @task(3)
    def caseload(self):
        page = self.rng.choice(["", "?page=2", "?page=3"])
        self._get(self.me["pages"]["caseload"] + page, "caseload")

    @task(3)
    def my_work(self):
        self._get(self.me["pages"]["my_work"], "my work")

    @task(1)
    def home(self):
        # The home page sends each user to where their work is: the caseload, for these roles.
        with self.client.get(self.me["pages"]["home"], name="home (redirect)",
                             allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")

    @task(2)
    def search(self):
        self._get(self.me["pages"]["caseload"] + "?q=" + self.rng.choice(self.me["searches"]),
                  "caseload search by name")

    @task(2)
    def plan_page(self):
        if self.me["plans"]:
            self._get(self.rng.choice(self.me["plans"]), "plan page")

    @task(1)
    def api_person_list(self):
        self._get(self.me["pages"]["api_persons"], "API person list")

    @task(1)
    def save_observation(self):
        if not self.me["record"]:
            return
        url = self.rng.choice(self.me["record"])
        form = self._get(url, "observation form")
        token = CSRF.search(form.text or "")
        if not token:
            return
        observed_at = (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        data = {"csrfmiddlewaretoken": token.group(1), "category": "behaviour",
                "verbatim": "Refused to go to the workshop; said he was tired.",
                "context": "At the wing door, after the count.", "opinion": "",
                "source_reliability": "B", "information_assessment": "2", "handling_code": "1",
                "observed_at": observed_at}
        with self.client.post(url, data=data, name="save observation", allow_redirects=False,
                              headers={"Referer": self.host + url},
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
