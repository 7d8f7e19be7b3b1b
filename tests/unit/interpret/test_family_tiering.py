"""Inheritance-aware interpretation of a proband in a trio (issue 16): GEL's de novo Tier 1 rule, ACMG PS2 /
PM6 / PM3 with evidence, mode-of-inheritance fit from segregation, unaffected-parent filtering with the
incomplete-penetrance exception, family QC blockers, and a lone sample left exactly as before.

The family VCF is also the proband's VCF here (annotated, multi-sample; the proband's column is chosen), as
for the Scout trio. Every expected tier and criterion is worked out in the test from the genotypes."""

from __future__ import annotations

import json
from pathlib import Path

from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.settings import InterpretSettings
from clinwgs.models.findings import Classification, Finding, Findings, Tier
from tests.support.family_vcf import (
    PROBAND,
    call,
    family_qc,
    pedigree,
    rec,
    trio_settings,
    write_family_vcf,
)

DE_NOVO_MISSENSE = rec(
    "chr2", 166_000_000, "A", "G", "missense|SCN1A|ENST00000303395|protein_coding|-|1613S>1613G|166000000A>G",
    call("0/1", 30, "15,15", "-0.01"), call("0/0", 31, "31,0"), call("0/0", 28, "28,0"),
)  # fmt: skip
PATERNAL_SCN1A_STOP = rec(
    "chr2", 166_001_000, "C", "T",
    "stop_gained|SCN1A|ENST00000303395|protein_coding|-|900R>900*|166001000C>T",
    call("0/1", 30, "15,15"), call("0/1", 25, "12,13"), call("0/0", 30, "30,0"),
)  # fmt: skip
PATERNAL_BRCA1_STOP = rec(
    "chr17", 43_063_903, "G", "A",
    "stop_gained|BRCA1|ENST00000357654|protein_coding|-|1756Q>1756*|43063903G>A",
    call("0/1", 30, "15,15"), call("0/1", 25, "12,13"), call("0/0", 30, "30,0"),
)  # fmt: skip
CFTR_PATERNAL = rec(
    "chr7", 117_530_000, "C", "T", "stop_gained|CFTR|ENST00000003084|protein_coding|+|500R>500*|117530000C>T",
    call("0/1", 30, "15,15"), call("0/1", 25, "12,13"), call("0/0", 30, "30,0"),
)  # fmt: skip
CFTR_MATERNAL = rec(
    "chr7", 117_560_000, "G", "A", "stop_gained|CFTR|ENST00000003084|protein_coding|+|900W>900*|117560000G>A",
    call("0/1", 30, "15,15"), call("0/0", 25, "25,0"), call("0/1", 30, "15,15"),
)  # fmt: skip
OTC_MATERNAL = rec(
    "chrX", 38_400_000, "C", "T", "stop_gained|OTC|ENST00000039007|protein_coding|+|100R>100*|38400000C>T",
    call("1", 20, "0,20"), call("0", 18, "18,0"), call("0/1", 30, "15,15"),
)  # fmt: skip
ALL = [DE_NOVO_MISSENSE, PATERNAL_SCN1A_STOP, PATERNAL_BRCA1_STOP, CFTR_PATERNAL, CFTR_MATERNAL, OTC_MATERNAL]


def _run(
    tmp_path: Path,
    records: list[str],
    settings: InterpretSettings | None = None,
    qc: str | None = "pass",
    family: bool = True,
    **ped: object,
) -> Findings:
    vcf = write_family_vcf(tmp_path / "trio.vcf", *records)
    inputs = Inputs(vcf, databases={"ClinVar": "test"})
    if family:
        ped_path = tmp_path / "pedigree.json"
        ped_path.write_text(pedigree(**ped).model_dump_json(), encoding="utf-8")  # type: ignore[arg-type]
        qc_path = None
        if qc is not None:
            qc_path = tmp_path / "family_qc.json"
            qc_path.write_text(family_qc(qc).model_dump_json(), encoding="utf-8")
        inputs = Inputs(
            vcf, databases={"ClinVar": "test"}, pedigree=ped_path, family_qc=qc_path, family_vcf=vcf
        )
    request = SampleRequest(PROBAND, "TRIO", "male", False, "GRCh38", PROBAND)
    return interpret(inputs, request, settings or trio_settings(tmp_path))


def _by_gene_pos(out: Findings) -> dict[tuple[str, int], Finding]:
    return {(f.annotation.gene, f.variant.pos1): f for f in [*out.findings, *out.for_review]}


def _crit(f: Finding, code: str) -> tuple[str, str]:
    c = next(c for c in f.criteria if c.code == code)
    return c.status, c.evidence


def test_de_novo_missense_in_a_dominant_gene_is_tier1_with_ps2(tmp_path: Path) -> None:
    out = _run(tmp_path, [DE_NOVO_MISSENSE])
    (f,) = out.findings
    # PS2 (strong) + PM2_Supporting (absent from ExAC) = Uncertain significance by ACMG 2015 Table 5;
    # GEL: a de novo protein-altering variant in a MONOALLELIC panel gene is Tier 1 whatever its class
    assert f.classification is Classification.VUS and f.tier is Tier.TIER1
    status, evidence = _crit(f, "PS2")
    assert status == "met" and "parentage confirmed by family QC" in evidence
    assert "absent in both parents, parental depth 31x/28x" in evidence
    assert _crit(f, "PM6")[0] == "not_met"
    assert f.segregation is not None and f.segregation.pattern == "de_novo"
    assert f.family_genotypes is not None and [g.depth for g in f.family_genotypes] == [30, 31, 28]
    assert out.family is not None and out.family.qc_status == "pass"
    # (the fixture has no SnpEff names, which blocks release on its own; nothing from the family does)
    assert out.release_blockers and not [b for b in out.release_blockers if "family" in b.lower()]
    assert [m.relation for m in out.family.members] == ["proband", "father", "mother"]


def test_de_novo_without_confirmed_parentage_is_pm6(tmp_path: Path) -> None:
    out = _run(tmp_path, [DE_NOVO_MISSENSE], qc="insufficient_data")
    (f,) = out.findings
    assert _crit(f, "PS2")[0] == "not_met"
    status, evidence = _crit(f, "PM6")
    assert status == "met" and "parentage not confirmed (family QC insufficient data)" in evidence
    assert f.tier is Tier.TIER1  # GEL's rule rests on segregation, not on the ACMG strength


def test_de_novo_that_failed_the_read_level_checks_gets_no_de_novo_credit(tmp_path: Path) -> None:
    # the de novo filter (clinwgs.family.denovo) rejected the call: too few ALT reads in the proband
    rejected = DE_NOVO_MISSENSE.replace("\tBCSQ=", "\tDNM_FILTER=child_alt_fraction;BCSQ=")
    assert rejected != DE_NOVO_MISSENSE
    out = _run(tmp_path, [rejected])
    (f,) = [*out.findings, *out.for_review]
    assert f.segregation is not None and f.segregation.pattern == "de_novo"
    assert f.segregation.de_novo_checks_failed == ["child_alt_fraction"]
    assert "read-level de novo checks failed: child_alt_fraction" in f.segregation.description
    for code in ("PS2", "PM6"):
        status, evidence = _crit(f, code)
        assert status == "not_met" and "not credited as de novo evidence" in evidence
    assert f.tier is not Tier.TIER1  # GEL's de novo Tier 1 needs a de novo call that passed its checks


def test_no_family_qc_is_pm6_and_says_so(tmp_path: Path) -> None:
    out = _run(tmp_path, [DE_NOVO_MISSENSE], qc=None)
    assert _crit(out.findings[0], "PM6")[0] == "met"
    assert out.family is not None and out.family.qc_status == "not_run"
    assert any("family QC not supplied" in n for n in out.notes)


def test_dominant_variant_from_an_unaffected_parent_is_not_tier1(tmp_path: Path) -> None:
    out = _run(tmp_path, [PATERNAL_SCN1A_STOP])
    f = _by_gene_pos(out)[("SCN1A", 166_001_000)]
    # PVS1 + PM2_Supporting = Likely pathogenic (ClinGen SVI 2020), but carried by the unaffected father of a
    # fully penetrant dominant gene: not Tier 1, kept for review with the reason
    assert f.classification is Classification.LIKELY_PATHOGENIC
    assert f.tier is Tier.NONE and f in out.for_review and not f.genotype_fits_inheritance
    assert f.review_reason is not None and "carried by the unaffected father" in f.review_reason
    assert _crit(f, "PS2") == ("not_met", f"not de novo: {f.segregation.description}")  # type: ignore[union-attr]


def test_dominant_variant_from_an_affected_parent_is_tier1(tmp_path: Path) -> None:
    out = _run(tmp_path, [PATERNAL_SCN1A_STOP], father_affected="affected")
    assert [f.tier for f in out.findings] == [Tier.TIER1]


def test_incompletely_penetrant_gene_keeps_tier1_from_an_unaffected_parent(tmp_path: Path) -> None:
    settings = trio_settings(tmp_path, incomplete={"BRCA1"})
    out = _run(tmp_path, [PATERNAL_BRCA1_STOP, PATERNAL_SCN1A_STOP], settings)
    got = _by_gene_pos(out)
    assert got[("BRCA1", 43_063_903)].tier is Tier.TIER1  # listed as incompletely penetrant
    assert got[("SCN1A", 166_001_000)].tier is Tier.NONE  # not listed


def test_compound_heterozygote_in_a_recessive_gene_is_tier1_with_pm3(tmp_path: Path) -> None:
    out = _run(tmp_path, [CFTR_PATERNAL, CFTR_MATERNAL])
    a, b = out.findings
    assert {a.segregation.pattern, b.segregation.pattern} == {"compound_heterozygous"}  # type: ignore[union-attr]
    assert a.segregation.partner == "chr7:117560000 G>A"  # type: ignore[union-attr]
    # each allele is PVS1 + PM2_Supporting (LP); PM3 (in trans with an LP allele) makes PVS1 + PM3 + PM2_Sup:
    # very strong + moderate + supporting = Pathogenic (Table 5: PVS1 and >= 1 PM... with PP: "1 PVS + 1 PM
    # + 1 PP" is Pathogenic)
    status, evidence = _crit(a, "PM3")
    assert status == "met" and "in trans with chr7:117560000 G>A, classified likely pathogenic" in evidence
    assert (
        a.classification is Classification.PATHOGENIC and a.tier is Tier.TIER1 and a.genotype_fits_inheritance
    )


def test_single_inherited_allele_in_a_recessive_gene_does_not_fit(tmp_path: Path) -> None:
    out = _run(tmp_path, [CFTR_PATERNAL])
    f = _by_gene_pos(out)[("CFTR", 117_530_000)]
    assert f.tier is Tier.NONE and not f.genotype_fits_inheritance
    assert f.review_reason is not None and "carrier" in f.review_reason
    assert _crit(f, "PM3")[0] == "not_met"


def test_x_linked_hemizygous_from_the_carrier_mother_is_tier1(tmp_path: Path) -> None:
    out = _run(tmp_path, [OTC_MATERNAL])
    (f,) = out.findings
    assert f.segregation is not None and f.segregation.pattern == "x_linked_maternal"
    assert f.variant.zygosity.value == "hemizygous" and f.tier is Tier.TIER1


def test_failed_family_qc_blocks_release(tmp_path: Path) -> None:
    out = _run(tmp_path, [DE_NOVO_MISSENSE], qc="fail")
    assert out.release_blocked
    assert any("TRIO1-P-TRIO1-F kinship 0.02" in b for b in out.release_blockers)
    assert _crit(out.findings[0], "PS2")[0] == "not_met"  # parentage not confirmed by a failed QC


def test_fitting_variants_rank_first_within_a_tier(tmp_path: Path) -> None:
    # Tier 2 (VUS missense) in SCN1A inherited from the unaffected father does not fit; a de novo one would be
    # Tier 1 already, so compare two Tier 2 VUS: one fitting (affected mother), one not (unaffected father)
    fits = rec(
        "chr2", 166_002_000, "A", "C", "missense|SCN1A|ENST00000303395|protein_coding|-|10S>10R|166002000A>C",
        call("0/1", 30, "15,15"), call("0/0", 30, "30,0"), call("0/1", 30, "15,15"),
    )  # fmt: skip
    not_fits = rec(
        "chr2", 166_000_500, "A", "T", "missense|SCN1A|ENST00000303395|protein_coding|-|5S>5C|166000500A>T",
        call("0/1", 30, "15,15"), call("0/1", 30, "15,15"), call("0/0", 30, "30,0"),
    )  # fmt: skip
    out = _run(tmp_path, [not_fits, fits], mother_affected="affected")
    assert [(f.tier, f.variant.pos1, f.genotype_fits_inheritance) for f in out.findings] == [
        (Tier.TIER2, 166_002_000, True),
        (Tier.TIER2, 166_000_500, False),
    ]


def test_a_lone_sample_has_no_family_fields(tmp_path: Path) -> None:
    out = _run(tmp_path, ALL, family=False)
    data = json.loads(out.model_dump_json())
    assert "family" not in data
    assert all("segregation" not in f and "family_genotypes" not in f for f in data["findings"])
    assert all(
        next(c for c in f["criteria"] if c["code"] == "PS2")["status"] == "not_evaluated"
        for f in data["findings"]
    )
    # without parents the de novo missense is an ordinary Tier 2 VUS
    assert _by_gene_pos(out)[("SCN1A", 166_000_000)].tier is Tier.TIER2
