"""Adapter: analysable (non-N) intervals of the reference -> BED, split into scatter chunks."""

import sys
from pathlib import Path

from clinwgs.reference.bundles import chunk_intervals, non_n_intervals, read_bed, write_bed

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
given = sm.params.regions
intervals = read_bed(Path(given)) if given else list(non_n_intervals(Path(sm.input.fasta)))
write_bed(intervals, Path(sm.output.regions))
for chunk, out in zip(chunk_intervals(intervals, len(sm.output.chunks)), sm.output.chunks, strict=True):
    write_bed(chunk, Path(out))
