# Calibrate — `make run` serves the app on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
VENDOR := static/vendor

.PHONY: install assets run serve test test-sqlite test-postgres fuzz demo bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Calibrate needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) assets

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/htmx-ext-sse/dist/sse.js $(VENDOR)/htmx-ext-sse.js
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js $(VENDOR)/swagger-ui/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe.min.js
	@touch $(VENDOR)/.installed

assets: $(VENDOR)/.installed

run: install
	$(BIN)/calibrate setup
	$(BIN)/calibrate serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/calibrate serve --host 127.0.0.1 --port 8000

test: install
	$(BIN)/python -m tests.runner

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser"

# Schemathesis with every check and phase, many more examples per operation than `make test` uses.
fuzz: install
	CALIBRATE_FUZZ_EXAMPLES=100 $(BIN)/pytest -p no:cacheprovider tests/security/test_schemathesis_run.py tests/security/test_schemathesis.py

demo: install
	$(BIN)/calibrate setup
	$(BIN)/calibrate demo

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
