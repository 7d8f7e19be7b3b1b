"""`clinwgs run`: validate a configuration (sheets, files, reference bundles), then run Snakemake on it."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinwgs.core import layout
from clinwgs.ops.cohort import RunOptions, run_with_profile
from clinwgs.ops.runner import preflight, run_workflow, tool_env, unpublished


def _parser() -> argparse.ArgumentParser:
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


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    extra = [a for a in args.snakemake_args if a != "--"]
    if args.profile:
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
