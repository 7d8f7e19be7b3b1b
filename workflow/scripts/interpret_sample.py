"""Adapter: interpret one sample with its sheet row, its bundle's database releases and the run's settings."""

import sys
from pathlib import Path

from clinwgs.interpret.engine import Inputs, SampleRequest, database_releases, run_sample
from clinwgs.interpret.settings import from_model

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
s, bundle = sm.params.sample, sm.params.bundle
request = SampleRequest(
    sample_id=sm.wildcards.sample,
    test_code=s.test_code,
    sex=s.sex,
    consent_additional_findings=s.consent_additional_findings,
    genome_build=bundle.build,
)
inputs = Inputs(
    vcf=Path(sm.input.vcf),
    thresholds=Path(sm.input.thresholds),
    regions=Path(sm.input.regions),
    mosdepth_summary=Path(sm.input.summary),
    databases=database_releases(bundle),
    reference=Path(sm.input.fasta),
    manifest=Path(sm.params.manifest),
    quantized=Path(sm.input.quantized),
    gff3=bundle.files.gff3.path if bundle.files.gff3 is not None else None,
    identity=Path(sm.input.identity) if hasattr(sm.input, "identity") else None,  # rules/identity.smk
    sv_vcf=Path(sm.input.sv_vcf) if sm.input.get("sv_vcf") else None,  # rules/sv.smk sv_interpret_inputs
    sv_alignment=Path(sm.input.sv_alignment) if sm.input.get("sv_alignment") else None,  # SV depth plot
    pedigree=Path(p) if (p := sm.input.get("pedigree")) else None,  # rules/family.smk (issue 16)
    family_qc=Path(q) if (q := sm.input.get("family_qc")) else None,
    family_vcf=Path(v) if (v := sm.input.get("family_vcf")) else None,
)
settings = from_model(sm.params.settings, Path(sm.input.settings))
print(run_sample(inputs, request, settings, Path(sm.output.json), Path(sm.output.tsv)), file=sys.stderr)
