"""Adapter: verify every file of a reference bundle against its manifest sha256 (refuse on mismatch)."""

import sys
from pathlib import Path

from clinwgs.reference.bundles import load_manifest, write_verification

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
write_verification(load_manifest(Path(sm.input.manifest)), Path(sm.output[0]))
