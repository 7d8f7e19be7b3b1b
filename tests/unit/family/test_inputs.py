"""rules/family.smk's input functions: paths from clinwgs.core.layout, proband-only interpretation inputs."""

from __future__ import annotations

from types import SimpleNamespace

from clinwgs.core import layout
from clinwgs.family.inputs import FamilyInputs
from tests.unit.family.test_qc import PED


def inputs(caller: str = "bcftools") -> FamilyInputs:
    return FamilyInputs({"FAM001": PED}, "bam", caller, lambda sample: f"resources/B/{sample}")


def test_only_the_proband_gets_family_inputs() -> None:
    got = inputs().interpret_inputs(SimpleNamespace(sample="TRIO01P"))
    assert got == {
        "pedigree": layout.family_pedigree("FAM001"),
        "family_qc": layout.family_qc("FAM001"),
        "family_vcf": layout.family_vcf("FAM001", "denovo"),
    }
    assert inputs().interpret_inputs(SimpleNamespace(sample="TRIO01F")) == {}
    assert inputs().interpret_inputs(SimpleNamespace(sample="PC001")) == {}


def test_joint_calling_reads_every_member_proband_first() -> None:
    w = SimpleNamespace(family="FAM001", chunk="0002")
    got = inputs().caller_inputs(w)
    assert got["aln"] == [layout.alignment(s, "bam") for s in ("TRIO01P", "TRIO01F", "TRIO01M")]
    assert got["bed"] == "resources/B/TRIO01P/scatter/0002.bed" and got["fasta"].endswith("genome.fa.gz")
    cmd = inputs().caller_command(w, SimpleNamespace(**got), "out.vcf.gz")
    assert "-G " in cmd and "FORMAT/QS" in cmd and "call -m -v" in cmd
    fb = inputs("freebayes")
    cmd = fb.caller_command(w, SimpleNamespace(**fb.caller_inputs(w)), "out.vcf.gz")
    assert cmd.startswith("freebayes") and "--GL-to-PL" in cmd
