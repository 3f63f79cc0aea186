# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-fast lint browser bench stress train heldout clean

$(STAMP): pyproject.toml
	python3 -c 'import sys; assert sys.version_info >= (3, 11), "revint needs Python >= 3.11"'
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## crawl the bundled sample site, tag, load, print questions
	$(VENV)/bin/revint demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The site's browser tests run in Debian's chromium (Playwright cannot download browsers here): installed when
# missing and this is root on Debian; otherwise those tests skip and say why.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && \
		apt-get install -y -q chromium >/dev/null 2>&1; }; }; } || \
		echo "chromium is not installed: the browser tests will skip"

test: lint browser  ## lint, type-check and run the test suite
	$(VENV)/bin/pytest

test-fast: $(STAMP)  ## the suite without the subprocess runs (crawls, CLI, flows, notebooks, wheel): about 30 s
	$(VENV)/bin/pytest -m "not slow"

bench: $(STAMP)
	$(PY) -m bench

stress: $(STAMP) browser  ## hostile input, random kills, concurrent use, security: one table (under 20 min)
	$(PY) -m stress

train: $(STAMP)  ## retrain the theme model from models/annotations (reads ../shared/corpus), seeded
	$(PY) -m revint.pipeline.training train

heldout: $(STAMP)  ## score the packaged model and the rules on the held-out sets (reads ../shared/corpus)
	$(PY) -m revint.pipeline.training heldout

clean:
	rm -rf data/work
