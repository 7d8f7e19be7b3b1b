"""Adapter: extra VCF header lines of the annotate stage (CLNVID definition, csq-skipped note)."""

import sys
from pathlib import Path

from clinwgs.annotate.header import write_header

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
write_header(sm.params.bundle, Path(sm.output[0]))
