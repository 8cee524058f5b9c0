# The two commands a newcomer needs: `make run` and `make test`. `make install` sets up alone (idempotent).
VENV      := .venv
PYTHON    ?= python3
FLASK     := $(VENV)/bin/flask --app run
VENDOR    := crm/static/vendor
HOST      ?= 127.0.0.1
PORT      ?= 5000

.PHONY: install install-test chromium dovecot run test lint bench clean

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from the npm registry and are copied next to our own static files (never a CDN).
# Only what the pages load is copied: no source maps (developer tools only; they carry the libraries' sources).
$(VENDOR)/.installed: node_modules/.installed
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/chartjs $(VENDOR)/sortable
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chartjs/
	cp node_modules/sortablejs/Sortable.min.js $(VENDOR)/sortable/
	touch $@

# What only the tests need: test libraries, a system Chromium for the browser tests, Dovecot for the IMAP tests.
install-test: install $(VENV)/.installed-test
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || $(MAKE) --no-print-directory chromium
	@test -x /usr/sbin/dovecot || $(MAKE) --no-print-directory dovecot

$(VENV)/.installed-test: requirements-dev.txt requirements.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

chromium:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

dovecot:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null

run: install
	$(FLASK) db upgrade
	$(FLASK) users first-run
	@echo "Starting the web server on http://$(HOST):$(PORT) and one job consumer (Ctrl-C stops both)."
	$(FLASK) worker --periodic & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(VENV)/bin/ruff check crm tests bench config.py run.py
	$(VENV)/bin/pytest

bench: install-test
	@for script in bench/*.py; do echo "== $$script"; $(VENV)/bin/python $$script; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
