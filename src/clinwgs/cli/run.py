"""`clinwgs run`: validate a configuration (sheets, files, reference bundles), then run Snakemake on it.

With ``--config-dir LABDIR`` (a folder from `clinwgs init`) the run works inside LABDIR: its config.yaml and
the sheets it names (relative paths resolve against LABDIR), results/, logs/ and resources/ written there,
and the repository's config/config.yaml never read.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from clinwgs.core import layout
from clinwgs.ops.cohort import PROFILES, RunOptions, run_with_profile
from clinwgs.ops.init import CONFIG_NAME, lab_folder
from clinwgs.ops.runner import preflight, run_workflow, tool_env, unpublished

DEFAULT_CONFIG = Path("config/config.yaml")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="clinwgs run", description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--configfile", type=Path, help=f"config.yaml (default: {DEFAULT_CONFIG})")
    where.add_argument(
        "--config-dir", type=Path, metavar="LABDIR",
        help="a lab folder from `clinwgs init`: runs LABDIR/config.yaml inside LABDIR (results/ there)",
    )  # fmt: skip
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


def _run(args: argparse.Namespace, configfile: Path) -> int:
    extra = [a for a in args.snakemake_args if a != "--"]
    if args.profile:
        preflight(configfile)
        options = RunOptions(
            profile=args.profile,
            cores=args.cores if args.profile == "local" else None,
            max_threads=args.max_threads,
            mem_mb=args.mem_mb,
            dry_run=args.dry_run,
            extra=("--show-failed-logs", *extra),
        )
        return run_with_profile(configfile, args.batch_size, options, tool_env())
    if args.dry_run:
        extra.append("--dry-run")
    status, run = run_workflow(configfile, args.cores, extra)
    if status == 0 and not args.dry_run:
        lines = unpublished(Path(layout.RESULTS), list(run.samples))
        if lines:
            print("clinwgs run: analysis complete, but not in the record service:", *lines, sep="\n")
    return status


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.config_dir is None:
        return _run(args, args.configfile or DEFAULT_CONFIG)
    labdir = lab_folder(args.config_dir)
    if args.profile and args.profile not in PROFILES:
        args.profile = str(Path(args.profile).resolve())  # a profile folder given relative to where we are
    print(f"clinwgs run: lab folder {labdir}; results in {labdir / layout.RESULTS}", file=sys.stderr)
    with contextlib.chdir(labdir):
        return _run(args, labdir / CONFIG_NAME)
