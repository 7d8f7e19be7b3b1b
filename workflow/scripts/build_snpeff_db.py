"""Adapter: build the bundle's SnpEff database offline (clinwgs.annotate.header.prepare_snpeff_inputs)."""

import subprocess
from pathlib import Path

from clinwgs.annotate.header import prepare_snpeff_inputs, snpeff_command

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
genome = sm.wildcards.bundle
db_dir = Path(sm.output.config).parent
config = prepare_snpeff_inputs(Path(sm.input.gff3), Path(sm.input.fasta), db_dir, genome)
build = f"{snpeff_command()} build -gff3 -noLog -nodownload -noCheckCds -noCheckProtein -c {config} {genome}"
with open(sm.log[0], "w") as log:
    subprocess.run(build, shell=True, check=True, stdout=log, stderr=log)
(db_dir / "data" / genome / "sequences.fa.gz").unlink()
