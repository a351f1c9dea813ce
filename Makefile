# Alliance — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_ENV := ALLIANCE_DEMO=1
HOST ?= 127.0.0.1:8000

.PHONY: run test setup lint format messages translations bench bench-pg clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import django, rest_framework, allauth, pytest" || (echo "Dependency installation failed" && exit 1)
	@touch $(STAMP)

setup: $(STAMP) translations
	@mkdir -p var/static

translations: $(STAMP)
	@$(PY) manage.py compile_translations

## make run: install, migrate, load the fictional demo and serve it on http://127.0.0.1:8000
run: setup
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	@$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Open http://$(HOST) and sign in as demo.treatment (password above)."
	@$(DEMO_ENV) $(PY) manage.py runserver $(HOST)

## make test: install and run the whole suite (SQLite unless DATABASE_URL says otherwise)
test: setup
	@$(PY) -m pytest

lint: $(STAMP)
	@$(PY) -m ruff check alliance tests bench

format: $(STAMP)
	@$(PY) -m ruff format alliance tests bench

## make messages: refresh the .po catalogues from the code (needs GNU gettext's xgettext)
messages: $(STAMP)
	@$(PY) manage.py makemessages --no-obsolete --no-location -l en -l sq -l sr_Latn -l mk \
		--ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" \
		--ignore "alliance/static/*"

## make bench: page timings and query counts at 1,000 and 20,000 people (SQLite)
bench: setup
	@$(PY) bench/pages.py
	@$(PY) bench/assessment.py

bench-pg: setup
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/alliance_bench} $(PY) bench/pages.py

clean:
	rm -rf $(VENV) var
