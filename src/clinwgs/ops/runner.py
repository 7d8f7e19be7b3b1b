"""`clinwgs run`: validate a configuration (sheets, files, reference bundles) and read every input file fully
(what `clinwgs validate --deep` does), then run Snakemake on it.

Validation happens before any job is scheduled, so a lab scientist's sheet mistake or a damaged input costs
minutes, not a run: the problem is one line (sample, file, what is wrong, what to do), exit 2, no traceback,
nothing under results/. A check that can only run inside a job (the ``check_inputs`` rule) ends the same way:
its one line is repeated at the end of the run.
Relative paths in the config resolve against the working directory (--directory, default: current).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from clinwgs.config.load import RunConfig, load_config
from clinwgs.core import layout

REPO_ROOT = Path(__file__).resolve().parents[3]
SNAKEFILE = REPO_ROOT / "Snakefile"


def preflight(configfile: Path) -> RunConfig:
    """Validate config + sheets, then the deep checks of ``clinwgs.inputs.run.check_run_inputs`` (panels,
    every bundle verified once, every unit read); raises the ClinwgsError of the first problem."""
    from clinwgs.inputs.run import check_run_inputs

    run = load_config(configfile)
    lines = check_run_inputs(run)
    print(f"clinwgs run: inputs checked ({len(lines)} bundles and units)", file=sys.stderr)
    return run


def job_input_errors(logs: Path, since: float) -> list[str]:
    """One-line input errors the ``check_inputs`` rule wrote during this run (logs newer than ``since``)."""
    from clinwgs.inputs.run import RULE_ERROR_PREFIX

    found = []
    for log in sorted((logs / "check_inputs").glob("*.log")):
        if log.stat().st_mtime >= since:
            found += [
                ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith(RULE_ERROR_PREFIX)
            ]
    return found


def snakemake_command(configfile: Path, cores: int, extra: list[str]) -> list[str]:
    """The Snakemake command line (executed with the interpreter of this package's environment)."""
    # fmt: off
    return [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(SNAKEFILE),
        "--configfile", str(configfile),
        "--cores", str(cores),
        "--rerun-incomplete",
        "--show-failed-logs",
        *extra,
    ]
    # fmt: on


def tool_env() -> dict[str, str]:
    """Environment for the workflow: this interpreter's bin dir first on PATH (multiqc, snakemake)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_workflow(configfile: Path, cores: int, extra: list[str] | None = None) -> tuple[int, RunConfig]:
    """Preflight, then run Snakemake in the current directory; returns Snakemake's exit status and the
    validated configuration (so callers need not load it again)."""
    run = preflight(configfile)
    command = snakemake_command(configfile, cores, extra or [])
    started = time.time() - 1
    status = subprocess.run(command, env=tool_env(), check=False).returncode
    if status != 0:
        errors = job_input_errors(Path("logs"), started)
        if errors:
            print("clinwgs run: stopped on an input problem:", *errors, sep="\n", file=sys.stderr)
            return 2, run
    return status, run


def unpublished(results: Path, samples: list[str]) -> list[str]:
    """One line per sample whose publish receipt says it did not reach the record service (service down,
    release blocked), with the reason; samples without a receipt (not asked for) are not listed."""
    import json

    lines = []
    for sample in samples:
        receipt = Path(layout.receipt(sample, str(results)))
        if receipt.is_file():
            answer = json.loads(receipt.read_text())
            if answer.get("published") is not True:
                error = str(answer.get("error", "not published"))
                lines.append(f"  {sample}: {error}")
                if answer.get("http_status") == 409:  # the service holds a different version 1
                    lines.append(
                        f"    (the report changed: once reviewed, clinwgs publish --sample {sample} --amend)"
                    )
    if lines:
        lines.append("  publish them once the cause is resolved: clinwgs publish --sample <id>")
    return lines
