# The two commands of the README. Both set up .venv on first use (or when
# pyproject.toml changes) with nothing more than Python 3.11+ and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONTENT ?= content
STAMP := $(VENV)/.installed

.PHONY: run test bench clean archive-demo

BENCH_SIZES ?= 1000,10000

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Briefing needs Python 3.11 or newer; set PYTHON=python3.x")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/briefing --content $(CONTENT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES)

# A team archive on a throwaway PostgreSQL cluster: started, content/ ingested, the reader opened on it
# as the analyst "ana"; the cluster is stopped and removed when the reader quits.
archive-demo: $(STAMP)
	$(BIN)/python -m briefing.archive.demo --content $(CONTENT)

clean:
	rm -rf $(VENV) .pytest_cache
