# clinwgs — two commands for a fresh Debian/Ubuntu machine:
#   make demo   installs everything (Debian packages when root, a Python venv) and runs the demo end to end
#   make test   installs what the tests need and runs the whole test suite
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2
APT_PACKAGES := bwa minimap2 samtools bcftools tabix freebayes fastp mosdepth libhts-dev samblaster \
  postgresql slurm-wlm munge chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

.PHONY: demo test system-deps venv lint clean-results

system-deps: .tmp/system-deps.stamp
.tmp/system-deps.stamp: Makefile
	@mkdir -p .tmp
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "==> installing Debian packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	else echo "not root and no sudo: please install $(APT_PACKAGES)"; fi
	@for t in bwa minimap2 samtools bcftools bgzip tabix freebayes fastp mosdepth samblaster; do \
	  command -v $$t >/dev/null || { echo "missing tool: $$t"; exit 1; }; done
	@touch $@

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@echo "==> creating Python venv in $(VENV)"
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $@

demo: system-deps venv
	$(VENV)/bin/clinwgs demo --cores $(CORES)

test: system-deps venv
	$(PY) -m pytest tests

lint: venv
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/snakemake --lint --configfile config/config.yaml

clean-results:
	rm -rf results logs .snakemake
