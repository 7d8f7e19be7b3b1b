# clinwgs — two commands for a fresh Debian/Ubuntu machine:
#   make demo   installs everything (Debian packages when root, a Python venv) and runs the demo end to end
#   make test   installs what the tests need and runs the whole test suite
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2
APT_PACKAGES := bwa minimap2 samtools bcftools tabix freebayes fastp mosdepth libhts-dev samblaster snpeff \
  postgresql slurm-wlm munge chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
  delly cnvkit tiddit

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

# lint first (seconds), then every test; CLINWGS_REQUIRE_ALL turns a missing tool/server/plugin into a failure
test: system-deps venv lint
	CLINWGS_REQUIRE_ALL=1 $(PY) -m pytest tests

# snakemake --lint needs sheets whose files exist: tests/data/lint names two demo inputs (a BAM and FASTQs)
lint: venv
	$(VENV)/bin/ruff check src tests workflow benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/snakemake --lint --configfile config/config.yaml \
	  --config samples=tests/data/lint/samples.tsv units=tests/data/lint/units.tsv

clean-results:
	rm -rf results logs .snakemake
