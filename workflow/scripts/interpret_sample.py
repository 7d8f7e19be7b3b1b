"""Adapter: `clinwgs interpret` for one sample, with its sheet row and its bundle's database releases."""

import sys

from clinwgs.interpret.engine import cli_main, database_args

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
s = sm.params.sample
options = {
    "--vcf": sm.input.vcf,
    "--sample-id": sm.wildcards.sample,
    "--test-code": s.test_code,
    "--sex": str(getattr(s.sex, "value", s.sex)),
    "--build": sm.params.bundle.build,
    "--consent-additional-findings": "yes" if s.consent_additional_findings else "no",
    "--settings": sm.input.settings,
    "--thresholds": sm.input.thresholds,
    "--regions": sm.input.regions,
    "--mosdepth-summary": sm.input.summary,
    "--quantized": sm.input.quantized,
    "--reference": sm.input.fasta,
    "--manifest": sm.params.manifest,
    "--out-json": sm.output.json,
    "--out-tsv": sm.output.tsv,
}
gff3 = sm.params.bundle.files.gff3
if gff3 is not None:
    options["--gff3"] = str(gff3.path)
if hasattr(sm.input, "identity"):  # rules/identity.smk
    options["--identity"] = sm.input.identity
sys.exit(cli_main([x for pair in options.items() for x in pair] + database_args(sm.params.bundle)))
