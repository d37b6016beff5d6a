# Handle Registry — `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := registry

.PHONY: run test serve lint bench clean install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/registry init-db
	$(BIN)/registry seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

serve: $(STAMP)
	$(BIN)/registry init-db
	$(BIN)/gunicorn --workers $${WORKERS:-2} --bind $${BIND:-127.0.0.1:8000} 'registry:create_app()'

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --wrk

lint: $(STAMP)
	$(BIN)/ruff check registry tests
	$(BIN)/ruff format --check registry tests

clean:
	rm -rf $(VENV) instance build *.egg-info
