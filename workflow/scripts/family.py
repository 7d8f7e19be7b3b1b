"""Adapter: the family rules (rules/family.smk) -> clinwgs.family."""

import sys
from pathlib import Path

from clinwgs.core.io import write_text_atomic
from clinwgs.family.denovo import annotate_denovo
from clinwgs.family.qc import write_family_qc

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
ped = sm.params.pedigree

if sm.rule == "write_pedigree":
    write_text_atomic(Path(sm.output[0]), ped.model_dump_json(indent=2) + "\n")
elif sm.rule == "denovo_family":
    found, filtered = annotate_denovo(Path(sm.input.vcf), Path(sm.output.vcf), ped, sm.params.settings)
    print(f"de novo candidates: {found}; trio-dnm2 calls filtered out: {filtered}", file=sys.stderr)
elif sm.rule == "family_qc":
    summaries = {s: Path(p) for s, p in zip(sm.params.members, sm.input.summaries, strict=True)}
    qc = write_family_qc(
        ped, Path(sm.input.vcf), summaries, sm.params.filters, sm.params.settings, Path(sm.output[0])
    )
    print(f"family QC {qc.status}: " + "; ".join(qc.release_blockers), file=sys.stderr)
