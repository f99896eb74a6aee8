# Tokusoku: every target does its own set-up from a fresh clone.
#   make run    - the appliance on its built-in demo (simulated modems)
#   make test   - installs what the tests need (apt packages included) and runs every test
#   make bench  - benchmarks; figures are printed and written to bench/results.json
#   make chaos  - 20 rounds of kill -9 during a campaign; lost, duplicated, uncertain counted
#   make screenshots - pictures of the admin page for the README (docs/screenshots)

PYTHON      ?= python3
VENV        ?= .venv
PY          := $(VENV)/bin/python
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Real modem software the simulator is checked against, and the browser for the admin-page tests.
APT_PACKAGES := gammu gammu-smsd smstools chromium chromium-driver

.PHONY: run test bench chaos screenshots apt venv clean install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

run: venv
	$(VENV)/bin/tokusoku run $(if $(PORT),--port $(PORT))

test: apt venv
	$(PY) -m pytest -q

bench: apt venv
	$(PY) -m bench

# 20 rounds of kill -9 during a campaign (make test runs 3).
chaos: apt venv
	TOKUSOKU_CHAOS_ROUNDS=20 $(PY) -m pytest -q -s tests/appliance/test_chaos.py

# Japanese text in the pictures needs a CJK font (the tests do not).
screenshots: apt venv
	$(MAKE) apt APT_PACKAGES=fonts-noto-cjk
	$(PY) -m docs.screenshots

# The box: user, venv in /opt/tokusoku, config, service, udev rules (systemd/install.sh --help).
install:
	$(SUDO) systemd/install.sh $(INSTALL_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
