"""Genotype vs mode of inheritance (Tier 1 needs a fitting genotype), and the consequence parsers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from clinwgs.interpret.consequence import parse_bcsq, parse_vep, vep_fields
from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.inheritance import Mode, genotype_fits, mode_of
from clinwgs.interpret.settings import load_settings
from clinwgs.models.findings import Findings, Tier
from tests.support.interpret_vcf import SETTINGS, record, write_vcf

ACADVL = "stop_gained|ACADVL|ENST00000356839|protein_coding|+|{n}Q>{n}*|1C>T"  # BIALLELIC in PanelApp R76


def run_r76(vcf: Path, sex: str = "female") -> Findings:
    settings = replace(load_settings(SETTINGS), lof_mechanism_genes={"ACADVL"})
    return interpret(Inputs(vcf), SampleRequest("S1-test", "R76", sex), settings)


def test_single_het_null_in_recessive_gene_is_carrier_not_tier1(tmp_path: Path) -> None:
    out = run_r76(write_vcf(tmp_path, record(f"BCSQ={ACADVL.format(n=10)}", pos=100, ref="C", alt="T")))
    assert out.findings == []
    (f,) = out.for_review
    assert not f.genotype_fits_inheritance and "carrier" in (f.review_reason or "")


def test_homozygous_null_in_recessive_gene_is_tier1(tmp_path: Path) -> None:
    out = run_r76(
        write_vcf(tmp_path, record(f"BCSQ={ACADVL.format(n=10)}", gt="1/1", pos=100, ref="C", alt="T"))
    )
    (f,) = out.findings
    assert f.tier is Tier.TIER1 and f.variant.zygosity.value == "homozygous"


def test_two_het_nulls_in_recessive_gene_are_possible_compound_het(tmp_path: Path) -> None:
    vcf = write_vcf(
        tmp_path,
        record(f"BCSQ={ACADVL.format(n=10)}", pos=100, ref="C", alt="T"),
        record(f"BCSQ={ACADVL.format(n=50)}", pos=200, ref="C", alt="T"),
    )
    out = run_r76(vcf)
    assert [f.tier for f in out.findings] == [Tier.TIER1, Tier.TIER1]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown", Mode.DOMINANT),
        ("BIALLELIC, autosomal or pseudoautosomal", Mode.RECESSIVE),
        ("X-LINKED: hemizygous mutation in males, biallelic mutations in females", Mode.X_RECESSIVE),
        (
            "X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease",
            Mode.X_DOMINANT,
        ),
        ("AD", Mode.DOMINANT),
        ("AR", Mode.RECESSIVE),
        ("XL", Mode.X_RECESSIVE),
        ("MITOCHONDRIAL", Mode.MITOCHONDRIAL),
        ("Unknown", Mode.UNKNOWN),
    ],
)
def test_modes_from_each_source(text: str, mode: Mode) -> None:
    assert mode_of(text) is mode


def test_x_linked_recessive_het_female_does_not_fit_but_male_does() -> None:
    assert not genotype_fits(Mode.X_RECESSIVE, 1, 2, 1, "female")[0]
    assert genotype_fits(Mode.X_RECESSIVE, 1, 2, 1, "male")[0]
    assert genotype_fits(Mode.X_RECESSIVE, 1, 1, 1, "unknown")[0]  # haploid call = hemizygous


def test_vep_csq_parsing() -> None:
    header = "Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|CANONICAL"  # noqa: E501
    value = (
        "T|synonymous_variant|LOW|LDLR|ENSG00000130164|Transcript|ENST00000252444|protein_coding|2/18||"
        "ENST00000252444.5:c.335C>T|ENST00000252444.5:c.335C>T(p.%3D)|YES,"
        "T|upstream_gene_variant|MODIFIER|SMARCA4|ENSG1|Transcript|ENST2|protein_coding|||||"
    )
    ldlr, smarca4 = parse_vep(value, vep_fields(header))
    assert (ldlr.gene, ldlr.terms, ldlr.hgvs_c, ldlr.canonical) == (
        "LDLR",
        ("synonymous_variant",),
        "c.335C>T",
        True,
    )
    assert ldlr.hgvs_p == "c.335C>T(p.=)" and smarca4.hgvs_c is None


def test_bcsq_parsing_maps_terms_and_skips_compounds() -> None:
    csq = parse_bcsq(
        "*missense&splice_region|BRCA1|ENST1|protein_coding|-|5C>5G|9G>C,@43124030,intron|BRCA1||NMD"
    )
    assert [c.terms for c in csq] == [("missense_variant", "splice_region_variant"), ("intron_variant",)]
    assert csq[0].hgvs_p == "p.(Cys5Gly)" and csq[0].hgvs_g == "g.9G>C" and csq[1].transcript is None
