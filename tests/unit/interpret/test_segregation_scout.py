"""The real Scout demo trio 643594 (GRCh37, VEP CSQ; father ADM1059A1 and mother ADM1059A3 unaffected, son
ADM1059A2 affected; Clinical-Genomics/scout demo data, tests/data/interpret) at VCF level: its PED read into a
Pedigree, segregation of every allele the proband carries, and the proband's interpretation in the family.
The counts are recorded in docs/BENCHMARKS.md ("Family analysis (issue 16): VCF-level")."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.segregation import MIN_DEPTH, segregate_vcf
from clinwgs.interpret.settings import load_settings
from tests.support.family_vcf import pedigree_from_ped
from tests.support.interpret_vcf import DATA, SETTINGS

SCOUT = DATA / "643594.clinical.vcf.gz"
PED = DATA / "643594.ped"


def test_ped_becomes_a_trio_pedigree() -> None:
    ped = pedigree_from_ped(PED)
    assert (ped.family_id, ped.proband, ped.father, ped.mother) == (
        "643594",
        "ADM1059A2",
        "ADM1059A1",
        "ADM1059A3",
    )
    assert [(m.relation, m.sex, m.affected) for m in ped.members] == [
        ("proband", "male", "affected"),
        ("father", "male", "unaffected"),
        ("mother", "female", "unaffected"),
    ]


def test_every_proband_allele_gets_a_segregation_consistent_with_the_genotypes() -> None:
    ped = pedigree_from_ped(PED)
    results = segregate_vcf(SCOUT, ped, "GRCh37")
    counts = Counter(seg.pattern for _, _, seg in results)
    # 366 ALT alleles in the son's genotypes (680 records); the figures of docs/BENCHMARKS.md
    assert len(results) == 366
    assert counts == {
        "phase_unknown": 182,
        "inherited_maternal": 74,
        "inherited_paternal": 69,
        "homozygous_biparental": 38,
        "de_novo": 3,
    }
    for key, _filters, seg in results:
        text = seg.description
        if seg.pattern == "de_novo":  # every de novo rests on confirmed parental reference calls
            assert seg.parents_confirmed and "absent in" in text, key
        if seg.pattern == "inherited_paternal" and not key.startswith("Y:"):
            assert "mother 0/0" in text, key  # the other parent is confirmed absent
        if seg.pattern == "inherited_maternal" and not key.startswith("MT:"):
            assert "father 0/0" in text, key
        if seg.pattern == "phase_unknown":
            assert text.startswith("phase unknown"), key
    # mitochondrial alleles are maternal, never "biparental"
    assert all(seg.pattern != "homozygous_biparental" for key, _f, seg in results if key.startswith("MT:"))
    # the son's low-depth calls are never given a parent of origin
    low = [seg for key, _f, seg in results if "proband's depth" in seg.description]
    assert low and all(seg.pattern == "phase_unknown" for seg in low)
    assert MIN_DEPTH == 10


def test_proband_interpretation_in_the_family(tmp_path: Path) -> None:
    ped_json = tmp_path / "pedigree.json"
    ped_json.write_text(pedigree_from_ped(PED).model_dump_json(), encoding="utf-8")
    settings = load_settings(SETTINGS)
    settings = type(settings)(
        **{**settings.__dict__, "population_af": [("EXACAF", "ExAC"), ("1000GAF", "1000G")]}
    )
    request = SampleRequest("ADM1059A2", "SCOUT_DEMO", "male", True, "GRCh37", "ADM1059A2")
    out = interpret(
        Inputs(SCOUT, databases={"ClinVar": "Scout"}, pedigree=ped_json, family_vcf=SCOUT), request, settings
    )
    got = {(f.annotation.gene, f.variant.pos1): f for f in [*out.findings, *out.for_review]}
    assert {k: f.segregation.pattern for k, f in got.items()} == {  # type: ignore[union-attr]
        ("RECQL5", 73623253): "inherited_maternal",
        ("RECQL5", 73626918): "homozygous_biparental",
        ("USP9Y", 14959237): "inherited_paternal",
        ("POT1", 124491972): "inherited_paternal",
        ("SEMA4A", 156146640): "inherited_paternal",
        ("LDLR", 11210912): "phase_unknown",
    }
    # POT1 is recessive (AR) on the Scout panel: one allele from the unaffected father does not fit, so it
    # ranks last among the Tier 2 findings
    assert [f.annotation.gene for f in out.findings][-1] == "POT1"
    assert not got[("POT1", 124491972)].genotype_fits_inheritance
    assert out.family is not None and out.family.qc_status == "not_run"
    assert all(len(f.family_genotypes or []) == 3 for f in got.values())
