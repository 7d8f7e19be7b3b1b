"""``clinwgs validate``: check config.yaml, its sheets and its interpretation settings before any job.

Every sample's test code must map to panels whose genes all resolve in the HGNC gene set; ``--deep`` also
verifies each reference bundle (sha256, then its files against its FASTA) and reads every input file.

Every problem is one line naming the file, the dotted key (or sheet row and column), the value and what is
allowed; the dispatcher (clinwgs.cli) prints them and exits 2, without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from clinwgs.config.load import load_config
from clinwgs.inputs.panels import check_run_panels
from clinwgs.inputs.run import check_run_inputs
from clinwgs.ops.init import CONFIG_NAME, lab_folder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="clinwgs validate", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--configfile", type=Path, help="config.yaml (default: config/config.yaml)")
    where.add_argument(
        "--config-dir", type=Path, metavar="LABDIR",
        help="a lab folder from `clinwgs init`: LABDIR/config.yaml, relative paths resolved against LABDIR",
    )  # fmt: skip
    parser.add_argument(
        "--deep", action="store_true", help="also verify reference checksums and read every input file fully"
    )
    args = parser.parse_args(argv)
    if args.config_dir is None:
        return _validate(args.configfile or Path("config/config.yaml"), args.deep)
    labdir = lab_folder(args.config_dir)
    with contextlib.chdir(labdir):  # the sheets and bundles it names are relative to LABDIR
        return _validate(labdir / CONFIG_NAME, args.deep)


def _validate(configfile: Path, deep: bool) -> int:
    run = load_config(configfile)
    for line in check_run_inputs(run) if deep else check_run_panels(run):
        print(line)
    n_units = sum(len(u) for u in run.units.values())
    bundles = ", ".join(run.bundles)
    print(f"{configfile}: OK ({len(run.samples)} samples, {n_units} units, bundles {bundles})")
    return 0
