"""The seeded simulated trio: the planted variants have the genotypes they are named for, the background is
Mendelian, and the same seed gives the same trio."""

from __future__ import annotations

from pathlib import Path

from clinwgs.validation.simulate import load_region
from clinwgs.validation.simulate_trio import (
    BRCA1_REGION,
    PLANTED_KINDS,
    _population_snvs,
    exon_mask,
    plan_trio,
)

ROOT = Path(__file__).resolve().parents[3]
BUNDLE = ROOT / "reference" / "GRCh38_BRCA1"
FASTA = BUNDLE / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
CLINVAR = BUNDLE / "clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz"
POP = BUNDLE / "1000G_phase3.BRCA1.sites.GRCh38.vcf.gz"
GFF3 = BUNDLE / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"


def test_planted_variants_and_mendelian_background() -> None:
    ref = load_region(FASTA, BRCA1_REGION)
    variants = plan_trio(ref, BRCA1_REGION, CLINVAR, seed=16, population=POP, gff3=GFF3)
    planted = {v.kind: v for v in variants if v.kind != "background"}
    assert sorted(planted) == sorted(PLANTED_KINDS)
    for kind in ("de_novo_snv", "de_novo_indel"):
        v = planted[kind]
        assert sum(v.proband) == 1 and sum(v.father) == 0 and sum(v.mother) == 0
    assert len(planted["de_novo_snv"].ref) == len(planted["de_novo_snv"].alt) == 1
    assert len(planted["de_novo_indel"].ref) != len(planted["de_novo_indel"].alt)
    pat, mat, hom = planted["compound_het_paternal"], planted["compound_het_maternal"], planted["homozygous"]
    assert pat.proband == (1, 0) and sum(pat.father) == 1 and sum(pat.mother) == 0
    assert mat.proband == (0, 1) and sum(mat.mother) == 1 and sum(mat.father) == 0
    assert hom.proband == (1, 1) and sum(hom.father) == 1 and sum(hom.mother) == 1
    background = [v for v in variants if v.kind == "background"]
    assert len(background) > 200
    for v in background:  # the child's paternal allele is one of the father's, maternal one of the mother's
        assert v.proband[0] in v.father and v.proband[1] in v.mother
    assert plan_trio(ref, BRCA1_REGION, CLINVAR, seed=16, population=POP, gff3=GFF3) == variants
    assert plan_trio(ref, BRCA1_REGION, CLINVAR, seed=17, population=POP, gff3=GFF3) != variants
    # made-up SNVs stay out of exons (+-20 bp): none changes a protein
    exonic = exon_mask(GFF3, BRCA1_REGION)
    made_up = [v for v in background if v.pos1 not in {p for p, *_ in population_sites()}]
    assert made_up and not any(exonic[v.pos1 - 1 - BRCA1_REGION.start0] for v in made_up)
    # the bundle's fingerprint sites (common 1000 Genomes SNVs) are among the simulated variants
    sites = [
        ln.split("\t")
        for ln in (BUNDLE / "fingerprint_sites.GRCh38_BRCA1.tsv").read_text().splitlines()
        if ln.startswith("chr17")
    ]
    positions = {v.pos1 for v in variants}
    assert sum(int(site[1]) in positions for site in sites) > len(sites) * 0.8


def population_sites() -> list[tuple[int, str, str, float]]:
    return _population_snvs(POP, load_region(FASTA, BRCA1_REGION), BRCA1_REGION)
