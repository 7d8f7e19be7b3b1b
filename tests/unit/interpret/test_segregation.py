"""Segregation of a proband's alleles in a trio, on hand-made family VCFs whose right answers are worked out
from the genotypes here (clinwgs.interpret.segregation; rules in docs/validation.md "Segregation")."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from clinwgs.interpret.segregation import (
    FamilyVcf,
    MemberCall,
    dnm_converter,
    pair_compound_hets,
    segregate,
    segregate_allele,
)
from clinwgs.models.findings import SegregationResult
from tests.support.family_vcf import FATHER, MOTHER, PROBAND, call, pedigree, rec, write_family_vcf

MISSENSE = "missense|SCN1A|ENST00000303395|protein_coding|-|1613S>1613G|1000A>G"


def _one(tmp_path: Path, p: str, f: str, m: str, chrom: str = "chr2", pos: int = 1000, **ped: object):
    vcf = write_family_vcf(tmp_path / "fam.vcf", rec(chrom, pos, "A", "G", MISSENSE, p, f, m))
    fam = FamilyVcf(vcf, pedigree(**ped))  # type: ignore[arg-type]
    try:
        return segregate_allele(fam, chrom, pos, "A", "G", "GRCh38")
    finally:
        fam.close()


def test_de_novo_absent_in_both_parents_with_depths_and_posterior(tmp_path: Path) -> None:
    # proband 0/1 at 30x (15 alt reads); both parents 0/0 with no alt read at 31x and 28x (>= 10x):
    # de novo; DNM -0.01 is ln(p) as trio-dnm2 writes DNM:log, so p = exp(-0.01) = 0.990
    seg, genotypes = _one(
        tmp_path, call("0/1", 30, "15,15", "-0.01"), call("0/0", 31, "31,0"), call("0/0", 28, "28,0")
    )
    assert seg.pattern == "de_novo" and seg.parents_confirmed
    assert seg.description.startswith("de novo (absent in both parents, parental depth 31x/28x)")
    assert seg.de_novo_probability == pytest.approx(math.exp(-0.01), abs=1e-6)
    assert [(g.sample_id, g.genotype, g.depth, g.allele_fraction) for g in genotypes] == [
        (PROBAND, "0/1", 30, 0.5),
        (FATHER, "0/0", 31, 0.0),
        (MOTHER, "0/0", 28, 0.0),
    ]


def test_inherited_from_the_unaffected_father(tmp_path: Path) -> None:
    seg, _ = _one(tmp_path, call("0/1", 30, "15,15"), call("0/1", 25, "12,13"), call("0/0", 30, "30,0"))
    assert seg.pattern == "inherited_paternal" and seg.inherited_from == "father"
    assert seg.description.startswith(
        "inherited from the unaffected father (father 0/1, 25x; mother 0/0, 30x)"
    )


def test_inherited_from_the_affected_mother(tmp_path: Path) -> None:
    seg, _ = _one(
        tmp_path, call("0/1", 30, "15,15"), call("0/0", 22, "22,0"), call("0/1", 26, "13,13"),
        mother_affected="affected",
    )  # fmt: skip
    assert seg.pattern == "inherited_maternal" and "affected mother" in seg.description
    assert "unaffected" not in seg.description


def test_homozygous_with_both_parents_carriers(tmp_path: Path) -> None:
    seg, _ = _one(tmp_path, call("1/1", 30, "0,30"), call("0/1", 22, "11,11"), call("0/1", 27, "14,13"))
    assert seg.pattern == "homozygous_biparental" and seg.inherited_from == "both"


def test_homozygous_with_one_parent_non_carrier_is_phase_unknown(tmp_path: Path) -> None:
    # 1/1 in the child but the mother is 0/0 at 30x: uniparental disomy or a deletion, not biparental
    seg, _ = _one(tmp_path, call("1/1", 30, "0,30"), call("0/1", 22, "11,11"), call("0/0", 30, "30,0"))
    assert seg.pattern == "phase_unknown" and "homozygous" in seg.description


@pytest.mark.parametrize(
    ("father", "why"),
    [
        (call("0/0", 5, "5,0"), "0/0 at 5x, below 10x"),  # too shallow to call absent
        (call("./.", 0, "0,0"), "genotype missing"),
        (call("0/0", 30, "26,4"), "13% of 30 reads show the allele"),  # alt reads: parental mosaic?
    ],
)
def test_unreliable_parent_genotype_gives_phase_unknown(tmp_path: Path, father: str, why: str) -> None:
    seg, _ = _one(tmp_path, call("0/1", 30, "15,15"), father, call("0/0", 30, "30,0"))
    assert seg.pattern == "phase_unknown" and not seg.parents_confirmed
    assert why in seg.description


def test_missing_mother_gives_phase_unknown(tmp_path: Path) -> None:
    seg, genotypes = _one(
        tmp_path,
        call("0/1", 30, "15,15"),
        call("0/0", 30, "30,0"),
        call("0/0", 30, "30,0"),
        with_mother=False,
    )
    assert seg.pattern == "phase_unknown" and "mother not sequenced" in seg.description
    assert [g.sample_id for g in genotypes] == [PROBAND, FATHER]


def test_low_depth_proband_gives_phase_unknown(tmp_path: Path) -> None:
    seg, _ = _one(tmp_path, call("0/1", 6, "3,3"), call("0/0", 30, "30,0"), call("0/0", 30, "30,0"))
    assert seg.pattern == "phase_unknown" and "proband's depth 6x" in seg.description


def test_x_linked_in_a_male_from_the_carrier_mother(tmp_path: Path) -> None:
    # chrX:40,000,000 is outside both GRCh38 PARs: the son is hemizygous (haploid "1"), mother 0/1
    seg, genotypes = _one(
        tmp_path,
        call("1", 20, "0,20"),
        call("0", 18, "18,0"),
        call("0/1", 30, "15,15"),
        chrom="chrX",
        pos=40_000_000,
    )
    assert seg.pattern == "x_linked_maternal" and seg.inherited_from == "mother"
    assert "hemizygous X-linked, inherited from the unaffected mother (carrier: 0/1, 30x)" in seg.description
    assert genotypes[0].genotype == "1"


def test_x_linked_de_novo_in_a_male_needs_only_the_mother(tmp_path: Path) -> None:
    seg, _ = _one(
        tmp_path,
        call("1", 20, "0,20"),
        call("./.", 0, "0,0"),
        call("0/0", 30, "30,0"),
        chrom="chrX",
        pos=40_000_000,
    )
    assert seg.pattern == "de_novo" and "maternal depth 30x" in seg.description


def test_x_in_the_pseudo_autosomal_region_is_autosomal(tmp_path: Path) -> None:
    # chrX:1,000,000 is in GRCh38 PAR1 (10,001-2,781,479): a father can pass it to his son
    seg, _ = _one(
        tmp_path,
        call("0/1", 30, "15,15"),
        call("0/1", 30, "15,15"),
        call("0/0", 30, "30,0"),
        chrom="chrX",
        pos=1_000_000,
    )
    assert seg.pattern == "inherited_paternal"


def test_x_in_a_female_proband_is_autosomal(tmp_path: Path) -> None:
    seg, _ = _one(
        tmp_path, call("0/1", 30, "15,15"), call("1", 30, "0,30"), call("0/0", 30, "30,0"),
        chrom="chrX", pos=40_000_000, proband_sex="female",
    )  # fmt: skip
    assert seg.pattern == "inherited_paternal"


def test_allele_absent_from_the_family_vcf(tmp_path: Path) -> None:
    vcf = write_family_vcf(tmp_path / "fam.vcf")
    fam = FamilyVcf(vcf, pedigree())
    seg, genotypes = segregate_allele(fam, "chr2", 1000, "A", "G", "GRCh38")
    assert seg.pattern == "phase_unknown" and "missing" in seg.description
    assert {g.genotype for g in genotypes} == {"not called"}


def _seg(pattern: str) -> SegregationResult:
    return SegregationResult(pattern=pattern, description=pattern.replace("_", " "), parents_confirmed=True)  # type: ignore[arg-type]


def test_compound_heterozygote_in_trans_and_alleles_in_cis() -> None:
    paired = pair_compound_hets(
        [
            ("chr7:100 C>T", "CFTR", _seg("inherited_paternal")),
            ("chr7:200 G>A", "CFTR", _seg("inherited_maternal")),
            ("chr2:300 A>G", "SCN1A", _seg("inherited_paternal")),
            ("chr2:400 A>C", "SCN1A", _seg("inherited_paternal")),
            ("chr2:500 T>C", "SCN1A", _seg("de_novo")),
        ]
    )
    a, b = paired[("CFTR", "chr7:100 C>T")], paired[("CFTR", "chr7:200 G>A")]
    assert (a.pattern, a.partner, b.pattern, b.partner) == (
        "compound_heterozygous", "chr7:200 G>A", "compound_heterozygous", "chr7:100 C>T"
    )  # fmt: skip
    assert "this allele from the father, the other from the mother" in a.description
    # two alleles from the same parent are in cis: not a compound heterozygote
    assert paired[("SCN1A", "chr2:300 A>G")].pattern == "inherited_paternal"
    assert "in cis with chr2:400 A>C" in paired[("SCN1A", "chr2:300 A>G")].description
    assert ("SCN1A", "chr2:500 T>C") not in paired


def test_dnm_tag_types_become_probabilities() -> None:
    # the three header descriptions bcftools 1.16 +trio-dnm2 writes for --dnm-tag DNM:log|prob|phred
    log = dnm_converter(
        "De-novo mutation score given as log scaled value (bigger value = bigger confidence)", "Float"
    )
    prob = dnm_converter("De-novo mutation score given as probability", "Float")
    phred = dnm_converter(
        "De-novo mutation score given as phred value (bigger value = bigger confidence)", "Integer"
    )
    assert log(math.log(0.25)) == pytest.approx(0.25)
    assert prob(0.25) == 0.25
    assert phred(20) == pytest.approx(0.99)


def test_segregate_without_any_parent() -> None:
    ped = pedigree()
    proband = MemberCall(ped.member(PROBAND), "0/1", 1, 30, 15, 30)
    seg = segregate(proband, None, None, chrom="chr2", pos1=10, build="GRCh38")
    assert seg.pattern == "phase_unknown"
    assert seg.description == "phase unknown: father not sequenced; mother not sequenced"
