"""Input and target helpers of rules/sv.smk (kept here so the rule file holds only rules)."""

from __future__ import annotations

from clinwgs.config.models import RunConfig
from clinwgs.core import layout

NOT_ASSESSED_KEY = "clinwgs_sv_not_assessed"
# printf template of the empty per-type VCF written when delly cannot estimate the library (%s: the sample)
NOT_ASSESSED_VCF = (
    "##fileformat=VCFv4.2\\n"
    f"##{NOT_ASSESSED_KEY}=delly: not enough read pairs to estimate the library insert size\\n"
    "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\tFORMAT\\t%s\\n"
)


def interpret_inputs(run: RunConfig, sample: str) -> dict[str, str]:
    """The sample's SV VCF for rule interpret_variants, with its alignment and index (the depth plot of each
    listed event); nothing when SV calling is off."""
    if not run.sv.enabled:
        return {}
    fmt = run.alignment_format
    return {
        "sv_vcf": layout.sv_vcf(sample),
        "sv_alignment": layout.alignment(sample, fmt),
        "sv_alignment_index": layout.alignment_index(sample, fmt),
    }


def outputs(run: RunConfig, sample: str) -> list[str]:
    """The sample's SV results among its final outputs (none when SV calling is off)."""
    return [layout.sv_vcf(sample), layout.sv_vcf(sample) + ".tbi"] if run.sv.enabled else []


def merge_inputs(run: RunConfig, sample: str, fasta: str) -> dict[str, str]:
    """What rule merge_sv reads: delly's gathered calls, CNVkit's segments, TIDDIT's calls (when on)."""
    out = {"delly": layout.sv_vcf(sample, "delly"), "fasta": fasta}
    if run.sv.cnv:
        out["cnvkit"] = layout.sv_part(sample, "cnvkit", f"{sample}.call.cns")
    if run.sv.tiddit:
        out["tiddit"] = layout.sv_vcf(sample, "tiddit")
    return out
