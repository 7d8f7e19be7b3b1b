"""`clinwgs validate-pipeline`: run the validation pack and print its verdict."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinwgs.validation.pack import run_validation


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinwgs validate-pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("config/validation.yaml"))
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="repository root (default: cwd)")
    parser.add_argument("--aligner", choices=["bwa", "minimap2"], help="override workflow.aligner")
    parser.add_argument("--caller", choices=["bcftools", "freebayes"], help="override workflow.caller")
    parser.add_argument("--cores", type=int, help="override workflow.cores")
    parser.add_argument("--output-dir", type=Path, help="override output_dir")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    overrides = {k: v for k, v in (("aligner", args.aligner), ("caller", args.caller), ("cores", args.cores))
                 if v is not None}
    return run_validation(args.config, args.repo, overrides, args.output_dir)
