# Two commands for a fresh machine with Python 3.11 and make:
#   make demo   set up .venv on first use, then run the main job (walk-through, then the
#               conformance suite against the reference engine, network side then UE side)
#   make test   set up .venv on first use, then run the whole test suite (the 25 slowest
#               tests are listed at the end)
# Maintainers: make mutation [ARGS='--module screening --jobs 2 --limit 10'] (see README)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
MUTMUT_VERSION := 3.8.1

.PHONY: demo test lint schemas docs mutation clean

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev,docs]'
	touch $(STAMP)

DEMO_PORT ?= 8026

demo: $(STAMP)
	$(VENV)/bin/ts26927 demo
	$(VENV)/bin/ts26927 conformance run --role NETWORK
	$(VENV)/bin/ts26927 conformance run --role UE
	@echo "the network side again, over HTTP: ts26927 serve on 127.0.0.1:$(DEMO_PORT)"
	@decl=$$(mktemp); $(VENV)/bin/ts26927 serve --port $(DEMO_PORT) --token demo-token \
		--declaration $$decl & pid=$$!; trap 'kill $$pid 2>/dev/null; rm -f $$decl' EXIT; \
	$(VENV)/bin/python -m ts26927.bindings.http.wait http://127.0.0.1:$(DEMO_PORT) && \
	$(VENV)/bin/ts26927 conformance run --role NETWORK --target http://127.0.0.1:$(DEMO_PORT) \
		--declaration $$decl --token demo-token

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q --durations=25

lint: $(STAMP)
	$(VENV)/bin/ruff check .

schemas: $(STAMP)
	$(VENV)/bin/ts26927 schemas export

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

# Mutation testing (not part of `make test`): mutmut is installed on first use only.
mutation: $(STAMP)
	@$(VENV)/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('mutmut') != '$(MUTMUT_VERSION)')" 2>/dev/null \
		|| $(VENV)/bin/python -m pip install --quiet 'mutmut==$(MUTMUT_VERSION)'
	$(VENV)/bin/python -m tools.mutation.run $(ARGS)

clean:
	rm -rf $(VENV) site .pytest_cache .hypothesis mutants mutation-report.json
