"""`clinwgs interpret`: annotated VCF + gene panels -> findings.json and findings.tsv (one sample)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from clinwgs.config.models import InterpretSection
from clinwgs.core.errors import ConfigError
from clinwgs.interpret.engine import Inputs, SampleRequest, run_sample
from clinwgs.interpret.settings import load_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinwgs interpret", description=__doc__)
    p.add_argument("--vcf", type=Path, required=True, help="annotated VCF (bgzipped)")
    p.add_argument("--sample-id", required=True, help="pseudonymous sample ID")
    p.add_argument("--test-code", required=True, help="GMS test directory code, e.g. R208")
    p.add_argument("--sex", choices=["female", "male", "unknown"], default="unknown")
    p.add_argument("--consent-additional-findings", choices=["yes", "no"], default="no")
    p.add_argument("--build", choices=["GRCh37", "GRCh38"], default="GRCh38")
    p.add_argument("--settings", type=Path, default=InterpretSection().panels)
    p.add_argument("--vcf-sample", help="sample column in the VCF (default: the only one, else --sample-id)")
    p.add_argument("--thresholds", type=Path, help="mosdepth <prefix>.thresholds.bed.gz over the panel BED")
    p.add_argument("--regions", type=Path, help="mosdepth <prefix>.regions.bed.gz over the panel BED")
    p.add_argument("--mosdepth-summary", type=Path, help="mosdepth <prefix>.mosdepth.summary.txt (sex check)")
    p.add_argument("--reference", type=Path, help="indexed reference FASTA (HGVS g. names)")
    p.add_argument(
        "--manifest", type=Path, help="bundle manifest.yaml (RefSeq accessions, reporting transcripts)"
    )
    p.add_argument("--quantized", type=Path, help="mosdepth --quantize 0:<x>: output (exact coverage gaps)")
    p.add_argument("--gff3", type=Path, help="bundle gene models (c. ranges of coverage gaps)")
    p.add_argument("--identity", type=Path, help="sample identity result (its release blockers are added)")
    p.add_argument("--sv-vcf", type=Path, help="structural/copy-number calls (SV VCF contract, issue 17)")
    p.add_argument("--sv-alignment", type=Path, help="the sample's BAM/CRAM: depth plot of each listed SV")
    p.add_argument("--database", action="append", default=[], metavar="NAME=RELEASE")
    p.add_argument(
        "--population-af",
        action="append",
        default=[],
        metavar="INFO_KEY=LABEL",
        help="population AF keys to use instead of the settings' list (e.g. EXACAF=ExAC)",
    )
    p.add_argument("--out-json", type=Path, required=True)
    p.add_argument("--out-tsv", type=Path, required=True)
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    bad = [d for d in [*args.database, *args.population_af] if "=" not in d]
    if bad:
        raise ConfigError([f"--database {d!r}: expected NAME=RELEASE" for d in bad])
    request = SampleRequest(
        args.sample_id,
        args.test_code,
        args.sex,
        args.consent_additional_findings == "yes",
        args.build,
        args.vcf_sample,
    )
    inputs = Inputs(
        args.vcf,
        args.thresholds,
        args.regions,
        args.mosdepth_summary,
        dict(d.split("=", 1) for d in args.database),
        args.reference,
        args.manifest,
        args.quantized,
        args.gff3,
        identity=args.identity,
        sv_vcf=args.sv_vcf,
        sv_alignment=args.sv_alignment,
    )
    settings = load_settings(args.settings)
    if args.population_af:
        pairs = [tuple(p.split("=", 1)) for p in args.population_af]
        settings = replace(settings, population_af=[(k, v) for k, v in pairs])
    print(run_sample(inputs, request, settings, args.out_json, args.out_tsv))
    return 0
