"""`clinwgs run`: validate a configuration (sheets, files, reference bundles), then run Snakemake on it.

Validation happens before any job is scheduled, so a lab scientist's sheet mistake costs seconds, not a run.
Relative paths in the config resolve against the working directory (--directory, default: current).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from clinwgs.config.load import RunConfig, load_config
from clinwgs.core import layout
from clinwgs.reference.bundles import load_manifest, verify_bundle

REPO_ROOT = Path(__file__).resolve().parents[3]
SNAKEFILE = REPO_ROOT / "Snakefile"


def preflight(configfile: Path) -> RunConfig:
    """Validate config + sheets and verify every bundle a sample uses (sha256 of each file)."""
    run = load_config(configfile)
    for name in sorted({s.reference for s in run.samples.values()}):
        verify_bundle(load_manifest(run.bundles[name]))
    return run


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
    return subprocess.run(command, env=tool_env(), check=False).returncode, run


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="clinwgs run", description=__doc__.splitlines()[0])
    ap.add_argument("--configfile", type=Path, default=Path("config/config.yaml"))
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--dry-run", "-n", action="store_true", help="show the jobs without running them")
    ap.add_argument(
        "--profile",
        help="execution profile: local, slurm, kubernetes (workflow/profiles/) or a profile directory; "
        "the cohort then runs in batches, one Snakemake invocation each (docs/operations.md)",
    )
    ap.add_argument("--batch-size", type=int, default=20, help="with --profile: samples per invocation")
    ap.add_argument("--max-threads", type=int, help="with --profile: most threads per job (node size)")
    ap.add_argument("--mem-mb", type=int, help="with --profile: most memory per job and in total (MB)")
    ap.add_argument("snakemake_args", nargs=argparse.REMAINDER, help="after --: passed to snakemake")
    return ap


def cli_main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    extra = [a for a in args.snakemake_args if a != "--"]
    if args.profile:
        from clinwgs.ops.cohort import RunOptions, run_with_profile

        preflight(args.configfile)
        options = RunOptions(
            profile=args.profile,
            cores=args.cores if args.profile == "local" else None,
            max_threads=args.max_threads,
            mem_mb=args.mem_mb,
            dry_run=args.dry_run,
            extra=("--show-failed-logs", *extra),
        )
        return run_with_profile(args.configfile, args.batch_size, options, tool_env())
    if args.dry_run:
        extra.append("--dry-run")
    status, run = run_workflow(args.configfile, args.cores, extra)
    if status == 0 and not args.dry_run:
        lines = unpublished(Path(layout.RESULTS), list(run.samples))
        if lines:
            print("clinwgs run: analysis complete, but not in the record service:", *lines, sep="\n")
    return status


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
