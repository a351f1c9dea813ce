# Alliance — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_ENV := ALLIANCE_DEMO=1
HOST ?= 127.0.0.1:8000
# The locks (requirements/): every package, transitive ones included, pinned with hashes.
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt
# Quiet pip; this machine's pip configuration adds "WARNING: Location ..." noise, which is hidden.
PIP := $(PY) -m pip --disable-pip-version-check
PIP_NOISE := grep -v "^WARNING: Location" $(VENV)/pip.log || true

.PHONY: run test setup chromium lock lint format messages translations bench bench-pg clean \
	security audit load

# Installs exactly what requirements/dev-lock.txt pins (hash-checked), then the project itself
# without dependencies. Redone when pyproject.toml or a lock changes; refuses to go on (and says
# "run make lock") when pyproject.toml's dependency lists changed but the locks were not redone.
$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK)
	@$(PYTHON) requirements/lockfile.py check $(LOCK) $(DEV_LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip > $(VENV)/pip.log 2>&1; $(PIP_NOISE)
	@$(PIP) install --quiet --require-hashes -r $(DEV_LOCK) > $(VENV)/pip.log 2>&1 || \
		{ $(PIP_NOISE); echo "Installing $(DEV_LOCK) failed (see above)."; \
		  echo "If pyproject.toml's dependencies changed, run make lock."; exit 1; }; $(PIP_NOISE)
	@# (setuptools' "Editable installation" notice is a UserWarning: silenced, as pip is.)
	@PYTHONWARNINGS=ignore::UserWarning $(PIP) install --quiet --no-deps --no-build-isolation -e . \
		> $(VENV)/pip.log 2>&1 || \
		{ $(PIP_NOISE); echo "Installing the project failed (see above)."; exit 1; }; $(PIP_NOISE)
	@$(PIP) check > $(VENV)/pip.log 2>&1 || \
		{ $(PIP_NOISE); echo "The lock does not satisfy pyproject.toml: run make lock."; exit 1; }
	@$(PY) -c "import django, rest_framework, allauth, pytest" || (echo "Dependency installation failed" && exit 1)
	@touch $(STAMP)

$(LOCK) $(DEV_LOCK):
	@echo "$@ is missing: run make lock"; exit 1

## make lock: recompile requirements/lock.txt and dev-lock.txt from pyproject.toml, after its
## dependencies change. pip-tools runs from a throwaway venv (never a project dependency) and
## resolves against PyPI alone, ignoring this machine's pip configuration (LOCK_ENV=... to
## change that, e.g. for a PyPI mirror). Existing pins are kept where they still fit;
## `make lock LOCK_ARGS=--upgrade` moves every transitive dependency to its newest release.
PIP_TOOLS := pip-tools==7.6.2
LOCK_ENV ?= env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null
LOCK_ARGS ?=
COMPILE_ARGS := --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || \
		{ echo "make lock resolves for Python 3.11: run it as make lock PYTHON=python3.11"; exit 1; }
	@set -e; tools="$$(mktemp -d)"; trap 'rm -rf "$$tools"' EXIT; \
	echo "Installing $(PIP_TOOLS) into a throwaway venv"; \
	$(PYTHON) -m venv "$$tools"; \
	"$$tools/bin/pip" install --quiet --disable-pip-version-check $(PIP_TOOLS) > "$$tools/pip.log" 2>&1 || \
		{ grep -v "^WARNING: Location" "$$tools/pip.log"; exit 1; }; \
	echo "Compiling $(LOCK) (runtime)"; \
	$(LOCK_ENV) "$$tools/bin/pip-compile" $(COMPILE_ARGS) -o $(LOCK) pyproject.toml; \
	echo "Compiling $(DEV_LOCK) (runtime, dev extra, build backend)"; \
	$(LOCK_ENV) "$$tools/bin/pip-compile" $(COMPILE_ARGS) --extra dev --build-deps-for editable -c $(LOCK) \
		-o $(DEV_LOCK) pyproject.toml; \
	$(PYTHON) requirements/lockfile.py header $(LOCK) $(DEV_LOCK); \
	echo "Done: review and commit pyproject.toml with $(LOCK) and $(DEV_LOCK)."

setup: $(STAMP) translations
	@mkdir -p var/static

translations: $(STAMP)
	@$(PY) manage.py compile_translations

## make run: install, migrate, load the fictional demo and serve it on http://127.0.0.1:8000
## (another address or port: `make run HOST=127.0.0.1:8001`, or HOST=0.0.0.0:8000 for the LAN).
## The port is checked first: a port in use is reported before a minute of migrating and seeding.
run: setup
	@$(PY) -c 'import socket; \
		host, _, port = "$(HOST)".rpartition(":"); host = host.strip("[]") or "127.0.0.1"; \
		s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET); \
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
		s.bind((host, int(port))); s.close()' 2> /dev/null || { \
		echo "Cannot serve on $(HOST): the port is in use (another make run?) or the address" \
			"is not this machine's. Choose another: make run HOST=127.0.0.1:8001"; exit 1; }
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	@$(DEMO_ENV) $(PY) manage.py seed_demo
	@$(DEMO_ENV) $(PY) manage.py run_daily
	@echo "Open http://$(HOST) and sign in as demo.treatment (password above)."
	@$(DEMO_ENV) $(PY) manage.py runserver $(HOST)

## make test: install and run the whole suite (SQLite unless DATABASE_URL says otherwise), on
## every core with pytest-xdist: each worker has its own test database. `make test
## PYTEST_WORKERS=0` runs it in this one process (pdb, a clearer traceback); PYTEST_ARGS=... adds
## options (`PYTEST_ARGS="tests/people -x"`).
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: setup chromium
	@$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The browser tests (tests/browser/) drive Debian's Chromium through Playwright; Playwright never
# downloads a browser of its own. Installed here when missing and we are root (as in CI);
# otherwise say how, and the browser tests are skipped.
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
			echo "Installing Chromium for the browser tests (Debian's package chromium)"; \
			log="$$(mktemp)"; \
			{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } \
				> "$$log" 2>&1 || { tail -n 5 "$$log"; \
				echo "Could not install chromium: the browser tests will be skipped."; }; \
			rm -f "$$log"; \
		else \
			echo "The browser tests need $(CHROMIUM) and will be skipped without it. Install it" \
				"with: sudo apt-get install --no-install-recommends chromium"; \
		fi; }

lint: $(STAMP)
	@$(PY) -m ruff check alliance tests bench
	@$(VENV)/bin/lint-imports --no-cache

## make security (or make audit): pip-audit on requirements/dev-lock.txt (needs PyPI) and bandit
## on alliance/; a finding fails unless .ci/pip-audit-ignore.txt or .ci/bandit-ignore.txt lists
## it with its reason (.ci/security.py)
security audit: $(STAMP)
	@$(PY) .ci/security.py

format: $(STAMP)
	@$(PY) -m ruff format alliance tests bench

## make messages: refresh the .po catalogues from the code (needs GNU gettext's xgettext)
messages: $(STAMP)
	@$(PY) manage.py makemessages --no-obsolete --no-location -l en -l sq -l sr_Latn -l mk \
		-l bs -l hr -l cnr \
		--ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" \
		--ignore "alliance/static/*" --ignore "alliance/languages/*"
	@$(PY) manage.py make_cyrillic

## make bench: page timings and query counts at 1,000 and 20,000 people (SQLite)
bench: setup
	@$(PY) bench/pages.py
	@$(PY) bench/caseload.py
	@$(PY) bench/assessment.py
	@$(PY) bench/assessment_pages.py
	@$(PY) bench/observations.py
	@$(PY) bench/release.py
	@$(PY) bench/coordination.py

bench-pg: setup
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/alliance_bench} $(PY) bench/pages.py

## make load: 50 practitioners for two minutes against gunicorn on PostgreSQL with 20,000 people
## (bench/load.py; LOAD_ARGS="--users 10 --time 30s" for a shorter run)
LOAD_ARGS ?=
load: setup
	@$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var
