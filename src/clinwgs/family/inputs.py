"""Input functions of rules/family.smk, built once per run (Snakemake's lint wants rule files without
function definitions): every path comes from clinwgs.core.layout, every reference file from the proband's
bundle (all members share it: clinwgs.family.pedigree checks it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clinwgs.calling.commands import BCFTOOLS_CALL_OPTIONS, BCFTOOLS_MPILEUP_OPTIONS, FREEBAYES_OPTIONS
from clinwgs.core import layout
from clinwgs.models.family import Pedigree


@dataclass(frozen=True)
class FamilyInputs:
    pedigrees: dict[str, Pedigree]
    alignment_format: str  # bam or cram (RUN.alignment_format)
    caller: str  # bcftools or freebayes (RUN.caller)
    res_dir: Callable[[str], str]  # sample -> resources/<bundle>/<key> (rules/common.smk)

    def members(self, family: str) -> list[str]:
        """sample_ids of the family, proband first (the column order of every family VCF)."""
        return [m.sample_id for m in self.pedigrees[family].members]

    def _res(self, family: str) -> str:
        return self.res_dir(self.pedigrees[family].proband)

    def ref(self, wildcards: Any) -> dict[str, str]:
        base = f"{self._res(wildcards.family)}/genome.fa.gz"
        return {"fasta": base, "fai": f"{base}.fai", "gzi": f"{base}.gzi"}

    def alignments(self, wildcards: Any) -> dict[str, list[str]]:
        members = self.members(wildcards.family)
        return {
            "aln": [layout.alignment(s, self.alignment_format) for s in members],
            "index": [layout.alignment_index(s, self.alignment_format) for s in members],
        }

    def caller_inputs(self, wildcards: Any) -> dict[str, Any]:
        inputs: dict[str, Any] = self.alignments(wildcards) | {
            "bed": f"{self._res(wildcards.family)}/scatter/{wildcards.chunk}.bed",
            "read_groups": layout.family_read_groups(wildcards.family),
        }
        if self.caller == "freebayes":
            return inputs | {"fasta": f"{self._res(wildcards.family)}/genome.fa"}
        return inputs | self.ref(wildcards)

    def caller_command(self, wildcards: Any, input: Any, output: Any) -> str:  # noqa: A002 (Snakemake's name)
        alns = " ".join(input.aln)
        if self.caller == "freebayes":
            # the single-sample options (clinwgs.calling.commands); FreeBayes writes GL only: PL (what norm
            # and trio-dnm2 read) converted from it
            return (
                f"freebayes -f {input.fasta} -t {input.bed} {' '.join(FREEBAYES_OPTIONS)} {alns}"
                f" | bcftools +tag2tag -Oz -o {output} -- --GL-to-PL"
            )
        # the single-sample options plus FORMAT/QS (what trio-dnm2 reads); --read-groups names each file's
        # reads by the member's sample_id
        mpileup = " ".join(BCFTOOLS_MPILEUP_OPTIONS).replace("FORMAT/DP", "FORMAT/DP,FORMAT/QS")
        return (
            f"bcftools mpileup -f {input.fasta} -R {input.bed} -G {input.read_groups} {mpileup} -Ou {alns}"
            f" | bcftools call {' '.join(BCFTOOLS_CALL_OPTIONS)} -Oz -o {output}"
        )

    def no_remote_ref(self, wildcards: Any) -> str:
        """Shell prefix: htslib looks up CRAM references only in the local cache (as rules/common.smk)."""
        cache = f"{self._res(wildcards.family)}/ref_cache/%2s/%2s/%s"
        return f"export REF_PATH='{cache}' REF_CACHE='{cache}';"

    def interpret_inputs(self, wildcards: Any) -> dict[str, str]:
        """The proband's family inputs to interpret_variants ({} for a sample that is not a proband)."""
        for fid, ped in self.pedigrees.items():
            if ped.proband == wildcards.sample:
                return {
                    "pedigree": layout.family_pedigree(fid),
                    "family_qc": layout.family_qc(fid),
                    "family_vcf": layout.family_vcf(fid, "denovo"),
                }
        return {}
