"""`clinwgs init LABDIR`: write a lab's own config folder (config.yaml with every key, empty sheets)."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinwgs.ops.init import init_lab


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="clinwgs init", description=__doc__.splitlines()[0])
    parser.add_argument("labdir", type=Path, metavar="LABDIR", help="new folder (absent or empty)")
    args = parser.parse_args(argv)
    written = init_lab(args.labdir)
    print(f"clinwgs init: wrote {', '.join(str(p) for p in written)}")
    print(
        "next: clinwgs bundle create ... --out LABDIR/bundle --name GRCh38; fill samples.tsv and units.tsv;\n"
        "      clinwgs validate --config-dir LABDIR --deep; clinwgs run --config-dir LABDIR\n"
        "      (docs/operations.md, 'Starting a lab')"
    )
    return 0
