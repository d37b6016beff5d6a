# Handle Registry — `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := registry

.PHONY: run test serve worker lint bench clean install translations translations-update

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are built, never committed: each .mo is remade when its .po changes.
# (Without them, the app compiles any missing or stale one into instance/translations when it
# starts, registry/catalogues.py; these targets compile them beside their sources.)
CATALOGUES := $(wildcard registry/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

translations: $(COMPILED)

registry/translations/%/LC_MESSAGES/messages.mo: registry/translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile -d registry/translations -l $*

# After changing user-facing strings: extract them all, then merge them into each catalogue
# (new msgids arrive untranslated; tests/web/test_i18n.py fails until they are translated).
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output \
		--project "Handle Registry" --copyright-holder "Handle Registry" \
		--msgid-bugs-address "" --width 100 -o registry/translations/messages.pot .
	$(BIN)/pybabel update -i registry/translations/messages.pot -d registry/translations \
		--no-fuzzy-matching --ignore-obsolete --width 100

PORT ?= 5000

run: $(STAMP) translations
	$(BIN)/registry init-db
	$(BIN)/registry seed-demo --if-empty
	-$(BIN)/registry demo-login  # a registry without the demo has no demo accounts: go on
	$(BIN)/huey_consumer registry.worker.huey --workers 1 --max-delay 1 --logfile instance/jobs.log & \
	worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The background worker alone (CSV imports), for a server that runs `make serve`.
worker: $(STAMP)
	$(BIN)/huey_consumer registry.worker.huey --workers $${JOB_WORKERS:-1} --max-delay 1

serve: $(STAMP) translations
	$(BIN)/registry init-db
	$(BIN)/gunicorn --workers $${WORKERS:-2} --bind $${BIND:-127.0.0.1:8000} 'registry:create_app()'

test: $(STAMP) translations
	$(BIN)/pytest $(PYTEST_ARGS)

# Builds 10,000 and 100,000 handles, serves them with gunicorn, loads each page with wrk;
# writes bench/results.md (DATABASE_URL=postgresql+... for PostgreSQL), then reads 5,000 messages
# from a throwaway Dovecot through fetch-mail's use case (--no-mail skips it) and drains 1,000
# webhook deliveries to a receiver on loopback (--no-webhooks skips it). About 12 minutes.
bench: $(STAMP) translations
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Style and design, all checked in CI (.ci/run): ruff (style, bugs, imports); mypy (strict on
# registry/domain, the rest checked); import-linter (the layers of docs/architecture.md, web and
# API independent, no import circle); radon (no block graded D or worse where rules and pages
# live); no module over 900 lines.
COMPLEX_DIRS := registry/web registry/api registry/services registry/domain registry/presentation
lint: $(STAMP)
	$(BIN)/ruff check registry tests scripts
	$(BIN)/ruff format --check registry tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	@complex="$$($(BIN)/radon cc --min D --show-complexity $(COMPLEX_DIRS))"; \
	if [ -n "$$complex" ]; then echo "Blocks graded D or worse (radon):"; echo "$$complex"; exit 1; fi
	@long="$$(find registry -name '*.py' -not -path 'registry/migrations/*' -exec wc -l {} + \
		| awk '$$2 != "total" && $$1 > 900')"; \
	if [ -n "$$long" ]; then echo "Modules over 900 lines:"; echo "$$long"; exit 1; fi
	@echo "lint: style, types, layers, complexity and sizes all pass"

clean:
	rm -rf $(VENV) instance build *.egg-info registry/translations/*/LC_MESSAGES/*.mo
