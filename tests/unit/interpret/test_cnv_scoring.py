"""ACMG/ClinGen CNV scoring (Riggs et al. 2020) section 1-3 items and the SV tiering rules
(clinwgs.interpret.cnv_scoring), on the hand-made gene GENEA of test_structural (5 exons, CDS 50/100/60/100/50
bases). Each expected score is worked out in the comment beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.interpret.cnv_scoring import (
    Constraint,
    GeneContext,
    assign_sv_tier,
    classify_points,
    load_constraint,
    score,
)
from clinwgs.interpret.structural import annotate, load_transcripts
from clinwgs.models.findings import Classification, Tier
from clinwgs.models.structural import StructuralVariant
from tests.unit.interpret.test_structural import TINY_GFF3

REPO = Path(__file__).resolve().parents[3]
DOMINANT_LOF = GeneContext(in_panel=True, lof_mechanism=True, inheritance="MONOALLELIC, autosomal")
RECESSIVE_LOF = GeneContext(in_panel=True, lof_mechanism=True, inheritance="BIALLELIC, autosomal")


@pytest.fixture
def models(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    path = tmp_path / "tiny.gff3"
    path.write_text(TINY_GFF3, encoding="utf-8")
    return load_transcripts(path)  # type: ignore[return-value]


def _sv(svtype: str, start1: int, end1: int, **kw: object) -> StructuralVariant:
    return StructuralVariant(
        chrom="chr1", start1=start1, end1=end1, svtype=svtype, length=end1 - start1 + 1, **kw
    )  # type: ignore[arg-type]


def _run(models: dict, event: StructuralVariant, ctx: GeneContext = DOMINANT_LOF):  # type: ignore[no-untyped-def, type-arg]
    effects = annotate(event, models, {})
    crits, total = score(event, effects, {"GENEA": ctx, "GENEB": ctx}, len({e.gene for e in effects}))
    klass = classify_points(total) if total is not None else None
    return effects[0], crits, total, klass


@pytest.mark.parametrize(
    ("svtype", "start1", "end1", "code", "total", "klass"),
    [
        ("DEL", 1, 2000, "2A", 1.0, Classification.PATHOGENIC),  # whole HI gene: 1A 0 + 2A 1.00
        ("DEL", 50, 250, "2C-1", 0.9, Classification.LIKELY_PATHOGENIC),  # 5' end with coding bases: 0.90
        ("DEL", 251, 420, "2E", 0.9, Classification.LIKELY_PATHOGENIC),  # frameshift + NMD: PVS1 0.90
        ("DEL", 651, 850, "2E", 0.45, Classification.VUS),  # frameshift in the penultimate exon: PVS1_Strong
        ("DEL", 451, 600, "2E", 0.45, Classification.VUS),  # in frame, 60/360 = 17 % > 10 %: PVS1_Strong
        ("DEL", 851, 1500, "2D-3", 0.3, Classification.VUS),  # only the last exon (3' end): 2D-3 0.30
        ("DUP", 251, 420, "2I", 0.45, Classification.VUS),  # tandem presumed, frameshift + NMD: PVS1_Strong
        ("DUP", 451, 600, "2I", 0.0, Classification.VUS),  # in-frame duplication: PVS1 N/A
        ("DUP", 1, 2000, "2H", 0.0, Classification.VUS),  # whole HI gene gained: 0
    ],
)
def test_section2_items_and_classification(
    models: dict,
    svtype: str,
    start1: int,
    end1: int,
    code: str,
    total: float,
    klass: Classification,  # type: ignore[type-arg]
) -> None:
    _, crits, points, got = _run(models, _sv(svtype, start1, end1))
    assert [c.code for c in crits if c.status == "met"] == ["1A", code, "3A"]
    assert points == pytest.approx(total) and got is klass
    assert {c.code for c in crits if c.status == "not_evaluated"} == {"2B/2F/2G", "4", "5"}


def test_no_gene_scores_1b_and_the_hi_predictors(models: dict) -> None:  # type: ignore[type-arg]
    event = _sv("DEL", 5000, 6000)
    crits, total = score(event, [], {}, 0)
    assert [c.code for c in crits if c.status == "met"] == ["1B", "3A"] and total == pytest.approx(-0.6)
    assert classify_points(-0.6) is Classification.VUS
    # a gene outside the panel's HI genes but with two HI predictors: 2H, 0.15
    ctx = GeneContext(
        in_panel=False,
        lof_mechanism=False,
        inheritance=None,
        constraint=Constraint("GENEA", pli=0.99, loeuf=0.2),
    )
    e = _sv("DEL", 251, 420)
    crits, total = score(e, annotate(e, models, {}), {"GENEA": ctx}, 1)
    assert [c.code for c in crits if c.status == "met"] == ["1A", "2H", "3A"] and total == pytest.approx(0.15)


def test_copy_neutral_events_are_not_scored(models: dict) -> None:  # type: ignore[type-arg]
    assert score(_sv("INV", 451, 600), [], {}, 1) == ([], None)


@pytest.mark.parametrize(
    ("total", "klass"),
    [
        (0.99, Classification.PATHOGENIC),
        (0.98, Classification.LIKELY_PATHOGENIC),
        (0.90, Classification.LIKELY_PATHOGENIC),
        (0.89, Classification.VUS),
        (-0.89, Classification.VUS),
        (-0.90, Classification.LIKELY_BENIGN),
        (-0.99, Classification.BENIGN),
    ],
)
def test_riggs_thresholds(total: float, klass: Classification) -> None:
    assert classify_points(total) is klass


def test_tiering_rules(models: dict) -> None:  # type: ignore[type-arg]
    # exon deletion, frameshift + NMD, LoF dominant gene, split-read support: Tier 1, no depth-only flag
    event = _sv("DEL", 251, 420, supporting_pairs=10, supporting_split_reads=4)
    effect, _, _, klass = _run(models, event)
    decision = assign_sv_tier(event, effect, DOMINANT_LOF, klass)
    assert (decision.tier, decision.confirmation_required) == (Tier.TIER1, False)
    # the same from read depth alone: Tier 1, to be confirmed
    depth_only = _sv("DEL", 251, 420, copy_number=1, depth_ratio=0.5)
    assert assign_sv_tier(depth_only, effect, DOMINANT_LOF, klass).confirmation_required is True
    # in-frame exon loss (VUS): Tier 2, to be confirmed
    inframe = _sv("DEL", 451, 600)
    effect, _, _, klass = _run(models, inframe)
    assert assign_sv_tier(inframe, effect, DOMINANT_LOF, klass).tier is Tier.TIER2
    # intragenic duplication: Tier 2 + confirmation (MLPA)
    dup = _sv("DUP", 251, 420)
    effect, _, _, klass = _run(models, dup)
    decision = assign_sv_tier(dup, effect, DOMINANT_LOF, klass)
    assert (decision.tier, decision.confirmation_required) == (Tier.TIER2, True)
    # a heterozygous exon deletion in a recessive gene: a carrier, listed for review
    effect, _, _, klass = _run(models, event, RECESSIVE_LOF)
    decision = assign_sv_tier(event, effect, RECESSIVE_LOF, klass)
    assert decision.tier is Tier.NONE and "carrier" in (decision.review_reason or "")
    # ... homozygous (CN 0): fits; (recessive genes are not "established HI", so the score stays low: Tier 2)
    hom = _sv("DEL", 251, 420, copy_number=0)
    assert assign_sv_tier(hom, effect, RECESSIVE_LOF, klass).tier is Tier.TIER2
    # intronic deletion and a failed filter are never reported
    intronic = _sv("DEL", 211, 290)
    effect, _, _, klass = _run(models, intronic)
    assert assign_sv_tier(intronic, effect, DOMINANT_LOF, klass).tier is Tier.NONE
    failed = _sv("DEL", 251, 420, filters=["LowQual"])
    effect, _, _, klass = _run(models, failed)
    assert assign_sv_tier(failed, effect, DOMINANT_LOF, klass).review_reason == "failed filters ['LowQual']"


def test_bundled_constraint_table_reads() -> None:
    table = load_constraint(REPO / "reference" / "genes" / "gnomad_v4.1_constraint.panel_genes.tsv")
    assert table and all(0 <= (c.pli or 0) <= 1 for c in table.values())
