"""The caller command lines: the same settings for the workflow (a chunk BED) and the bare check (region)."""

from __future__ import annotations

import pytest

from clinwgs.calling.commands import caller_command


def test_bcftools_emits_allele_depths_and_genotype_quality() -> None:
    command = caller_command("bcftools", "ref.fa.gz", "s.bam", "o.vcf.gz", bed="c.bed")
    mpileup, call = command.split(" | ")
    assert mpileup.startswith("bcftools mpileup -f ref.fa.gz -R c.bed ") and mpileup.endswith(" -Ou s.bam")
    assert "FORMAT/AD" in mpileup and "FORMAT/DP" in mpileup
    assert call.startswith("bcftools call -m -v ") and " -a GQ" in call and call.endswith("-Oz -o o.vcf.gz")


def test_freebayes_emits_genotype_quality() -> None:
    command = caller_command("freebayes", "ref.fa", "s.bam", "o.vcf.gz", region="chr20:1-100")
    assert command.startswith("freebayes -f ref.fa -r chr20:1-100 ")
    assert "--genotype-qualities" in command.split(" | ")[0]
    assert command.endswith(" s.bam | bgzip -c > o.vcf.gz")


def test_bed_and_region_are_exclusive_and_caller_known() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        caller_command("bcftools", "r.fa", "s.bam", "o.vcf.gz")
    with pytest.raises(ValueError, match="exactly one"):
        caller_command("bcftools", "r.fa", "s.bam", "o.vcf.gz", bed="c.bed", region="chr1:1-2")
    with pytest.raises(ValueError, match="unknown caller"):
        caller_command("gatk", "r.fa", "s.bam", "o.vcf.gz", bed="c.bed")
