"""`clinwgs demo`: the whole workflow on the demo samples, published into a fresh local record service."""

from __future__ import annotations

import argparse

from clinwgs.ops.demo import run_demo


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="clinwgs demo", description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--aligner", choices=["bwa", "minimap2"], help="override config.yaml (default: bwa)")
    ap.add_argument(
        "--serve",
        action="store_true",
        help="keep the record service running after the workflow (Ctrl-C stops it) to browse the reports",
    )
    args = ap.parse_args(argv)
    return run_demo(args.cores, args.aligner, args.serve)
