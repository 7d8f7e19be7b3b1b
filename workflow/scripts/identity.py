"""Adapter: the identity rules (rules/identity.smk) -> clinwgs.identity."""

import sys
from pathlib import Path

from clinwgs.core.io import sha256_file
from clinwgs.identity.check import (
    compare_run,
    not_assessable,
    read_run,
    sample_identity,
    sex_result,
    write_model,
)
from clinwgs.identity.genotype import (
    fingerprint_alignment,
    fingerprint_from_vcf,
    read_fingerprint,
    write_fingerprint,
)
from clinwgs.identity.sites import load_sites

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
settings = sm.params.settings
out = Path(sm.output[0])

if sm.rule in ("fingerprint_unit", "fingerprint_sample"):
    sites_path = Path(sm.input.sites)
    fp = fingerprint_alignment(
        Path(sm.input.aln),
        load_sites(sites_path),
        sha256_file(sites_path),
        settings,
        sm.wildcards.sample,
        unit_id=sm.wildcards.get("unit"),
        reference=Path(sm.input.fasta) if hasattr(sm.input, "fasta") else None,
    )
    write_fingerprint(fp, out)
elif sm.rule == "identity_run":
    write_model(compare_run([read_fingerprint(Path(p)) for p in sm.input], settings), out)
else:
    sample = sm.wildcards.sample
    inp = sm.input
    sex = sex_result(sm.params.sex, Path(inp.fai), Path(inp.summary))
    if not hasattr(inp, "sample_fp"):
        result = not_assessable(sample, sm.params.bundle, sex, sample in settings.expected)
    else:
        panel = Path(inp.panel)
        sites = load_sites(panel)
        expected = None
        if hasattr(inp, "expected"):
            expected = fingerprint_from_vcf(
                Path(inp.expected), sites, sha256_file(panel), sample, sm.params.vcf_sample
            )
        result = sample_identity(
            sample=read_fingerprint(Path(inp.sample_fp)),
            units=[read_fingerprint(Path(p)) for p in inp.unit_fps],
            expected=expected,
            run=read_run(Path(inp.run)),
            sex=sex,
            bundle=sm.params.bundle,
            panel_markers=len({s.block for s in sites}),
            settings=settings,
        )
    write_model(result, out)
    print(f"{sample}: identity {result.status}", *result.summary_lines(), sep="\n  ", file=sys.stderr)
