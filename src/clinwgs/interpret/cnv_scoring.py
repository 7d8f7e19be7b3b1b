"""ACMG/ClinGen CNV scoring (Riggs et al. 2020, Genet Med 22:245-257, "Technical standards for the
interpretation and reporting of constitutional copy-number variants"), the items that can be evaluated offline
from the event, the bundle's gene models, the panel and gene constraint, and the SV tiering rules.

Evaluated:

- Section 1 (genomic content): 1A (contains protein-coding genes: 0) / 1B (none: -0.60).
- Section 2, losses: 2A (complete overlap of an established haploinsufficient (HI) gene: 1.00); 2C-1 / 2C-2
  (partial overlap of the gene's 5' end, coding sequence involved: 0.90 / only the 5' UTR: 0); 2D-1..2D-4
  (partial overlap of the 3' end: only the 3' UTR 0; only the last exon 0.30 (2D-3: whether other pathogenic
  variants are reported in that exon is not known offline, so the lower score); the last exon and others with
  NMD expected 0.90); 2E (both breakpoints in the same gene: scored by the ClinGen PVS1 decision tree for
  deletions (Abou Tayoun et al. 2018): frameshift with NMD expected, or the start codon lost, PVS1 0.90;
  frameshift escaping NMD or in-frame loss of > 10 % of the protein PVS1_Strong 0.45; in-frame loss of
  <= 10 % PVS1_Moderate 0.30); 2H (two HI predictors, gnomAD pLI >= 0.9 and LOEUF < 0.6: 0.15, only when no
  established HI gene scored).
- Section 2, gains: 2H (an HI gene wholly inside the gain: 0), 2I (both breakpoints in the same gene: PVS1
  for a presumed tandem duplication that shifts the frame with NMD expected is PVS1_Strong, 0.45; in frame
  or not expected to undergo NMD: 0), 2L (breakpoints in a gene of no established significance: 0).
- Section 3 (number of protein-coding genes): 3A (0-24: 0), 3B (25-34: 0.45), 3C (35+: 0.90).

Not evaluated, listed as such: 2B/2F/2G (established HI/benign CNV regions: no dosage-map or benign-CNV data
is bundled), sections 4 (case evidence, literature) and 5 (inheritance/family history: needs parental data).

"Established HI gene": a gene whose loss of function is an established disease mechanism in the sample's
panel (the panel's lof flag, or the settings' ``lof_mechanism_genes``, which are ClinGen HI score 3) with
dominant inheritance. The ClinGen dosage map itself is not bundled; the evidence text says which source
decided.

Classification (Riggs 2020 Table 1): >= 0.99 Pathogenic, 0.90-0.98 Likely pathogenic, -0.89-0.89 VUS,
-0.98 to -0.90 Likely benign, <= -0.99 Benign.

Tiering (clinwgs, validation.md "SV tiering"): a PASS deletion of one or more exons (or the whole gene) of a
panel gene with loss of function as its mechanism, whose genotype fits the inheritance and whose CNV score
reaches Likely pathogenic, is Tier 1. An intragenic duplication of a panel gene is Tier 2 and needs
confirmation by an orthogonal method (MLPA); so do inversions and breakends disrupting a panel LoF gene, and
any other exon-level loss in a panel LoF gene that does not reach Tier 1. Everything else touching a panel
gene is listed for review, not reported.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.inheritance import Mode, mode_of
from clinwgs.interpret.structural import GeneEffect
from clinwgs.models.findings import Classification, CnvCriterion, Tier
from clinwgs.models.structural import StructuralVariant

PLI_HI = 0.9
LOEUF_HI = 0.6  # gnomAD v4 guidance: LOEUF < 0.6 for constrained genes


@dataclass(frozen=True)
class Constraint:
    gene: str
    pli: float | None
    loeuf: float | None
    source: str = "gnomAD v4.1"


def load_constraint(path: Path) -> dict[str, Constraint]:
    """reference/genes/gnomad_v4.1_constraint.panel_genes.tsv (reference/build_constraint_table.py)."""

    def num(text: str) -> float | None:
        try:
            return float(text)
        except ValueError:
            return None  # "NA"

    try:
        with path.open(encoding="utf-8") as handle:
            rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
            return {
                r["gene"]: Constraint(r["gene"], num(r["lof.pLI"]), num(r["lof.oe_ci.upper"])) for r in rows
            }
    except (OSError, KeyError, UnicodeDecodeError) as exc:
        raise InputIntegrityError(f"cannot read gene constraint table: {exc}", path=path) from exc


@dataclass(frozen=True)
class GeneContext:
    """What the panel and the bundled data say about a gene."""

    in_panel: bool
    lof_mechanism: bool  # loss of function established (panel flag or the settings' ClinGen HI genes)
    inheritance: str | None
    lof_source: str = "panel"
    constraint: Constraint | None = None

    @property
    def established_hi(self) -> bool:
        return (
            self.in_panel
            and self.lof_mechanism
            and mode_of(self.inheritance or "") in {Mode.DOMINANT, Mode.X_DOMINANT}
        )


def _crit(code: str, points: float, evidence: str, met: bool = True) -> CnvCriterion:
    return CnvCriterion(
        code=code, status="met" if met else "not_met", points=points if met else 0.0, evidence=evidence
    )


def _not_evaluated(code: str, why: str) -> CnvCriterion:
    return CnvCriterion(code=code, status="not_evaluated", points=0.0, evidence=why)


def _pvs1_loss(e: GeneEffect) -> tuple[str, float, str]:
    """ClinGen PVS1 decision tree for an intragenic deletion (Abou Tayoun et al. 2018)."""
    if e.frame == "start_lost":
        return "PVS1", 0.90, "the exon holding the start codon is deleted: no protein is expected"
    if e.frame == "frameshift" and e.nmd_expected:
        return "PVS1", 0.90, "whole-exon loss shifts the reading frame; NMD expected"
    if e.frame == "frameshift":
        return "PVS1_Strong", 0.45, "frameshift in the last two exons: NMD not expected"
    if e.frame == "in_frame":
        share = e.cds_fraction
        if share > 0.10:
            return "PVS1_Strong", 0.45, f"in-frame loss of {share:.0%} of the coding sequence (> 10 %)"
        return "PVS1_Moderate", 0.30, f"in-frame loss of {share:.0%} of the coding sequence (<= 10 %)"
    if e.frame == "not_applicable":
        return "N/A", 0.0, "only non-coding exons are deleted"
    return "PVS1_Supporting", 0.15, "an exon is partly deleted: the splice effect cannot be decided offline"


def _section2_loss(e: GeneEffect, ctx: GeneContext, hi_source: str) -> CnvCriterion:
    gene = f"{e.gene} ({hi_source})"
    if e.whole_gene:
        return _crit("2A", 1.00, f"complete overlap of established HI gene {gene}")
    if e.five_prime and not e.three_prime:
        if e.cds_bases > 0:
            return _crit(
                "2C-1",
                0.90,
                f"partial overlap of the 5' end of {gene}, {e.exon_label}, coding "
                f"sequence involved ({e.cds_bases} coding bases)",
            )
        return _crit("2C-2", 0.0, f"partial overlap of the 5' end of {gene}: only the 5' UTR")
    if e.three_prime and not e.five_prime:
        n = len(e.transcript.exons)
        if e.cds_bases == 0:
            return _crit("2D-1", 0.0, f"partial overlap of the 3' end of {gene}: only the 3' UTR")
        if e.exons == (n,):
            return _crit(
                "2D-3",
                0.30,
                f"only the last exon of {gene} is deleted (whether other pathogenic "
                "variants are reported in it is not known offline: the lower score 2D-3, not 2D-2)",
            )
        return _crit("2D-4", 0.90, f"the 3' end of {gene} with other exons than the last ({e.exon_label})")
    code, points, why = _pvs1_loss(e)
    return _crit("2E", points, f"both breakpoints in {gene}, {e.exon_label}: {code}: {why}")


def _section2_gain(e: GeneEffect, ctx: GeneContext) -> CnvCriterion:
    if e.whole_gene:
        return _crit("2H", 0.0, f"{e.gene} wholly inside the gain (an HI gene: no dosage effect expected)")
    if e.consequence == "intragenic_duplication":
        if e.frame == "frameshift" and e.nmd_expected:
            why = (
                f"PVS1_Strong: presumed tandem duplication of {e.exon_label} shifts the reading frame, NMD "
                "expected (tandem orientation not proven)"
            )
            return _crit("2I", 0.45, f"both breakpoints in {e.gene}: {why}")
        return _crit("2I", 0.0, f"both breakpoints in {e.gene}, {e.exon_label}, frame {e.frame}: PVS1 N/A")
    return _crit("2L", 0.0, f"a breakpoint in {e.gene} ({e.consequence}): effect not established")


def classify_points(total: float) -> Classification:
    """Riggs et al. 2020 Table 1 (points rounded to 2 decimals)."""
    total = round(total, 2)
    if total >= 0.99:
        return Classification.PATHOGENIC
    if total >= 0.90:
        return Classification.LIKELY_PATHOGENIC
    if total <= -0.99:
        return Classification.BENIGN
    if total <= -0.90:
        return Classification.LIKELY_BENIGN
    return Classification.VUS


def score(
    event: StructuralVariant, effects: list[GeneEffect], contexts: dict[str, GeneContext], coding_genes: int
) -> tuple[list[CnvCriterion], float | None]:
    """The CNV scoring items for a DEL/DUP (criteria, total points); ([], None) for copy-neutral events,
    which the CNV framework does not score."""
    if event.svtype not in {"DEL", "DUP"}:
        return [], None
    loss = event.svtype == "DEL"
    items: list[CnvCriterion] = []
    if coding_genes:
        items.append(_crit("1A", 0.0, f"contains {coding_genes} protein-coding gene(s)"))
    else:
        items.append(_crit("1B", -0.60, "contains no protein-coding gene (bundle gene models)"))
    # section 2: the strongest item over the established HI genes (Riggs: score the best-supported gene)
    scored: list[CnvCriterion] = []
    for e in effects:
        ctx = contexts.get(e.gene)
        if ctx is None or e.consequence in {"intronic_deletion", "intronic_duplication"}:
            continue
        if loss and ctx.established_hi:
            scored.append(_section2_loss(e, ctx, f"loss of function established: {ctx.lof_source}"))
        elif not loss and ctx.in_panel:
            scored.append(_section2_gain(e, ctx))
    if scored:
        items.append(max(scored, key=lambda c: c.points))
    elif loss:
        predicted = [
            c
            for c in (contexts[e.gene].constraint for e in effects if e.gene in contexts)
            if c is not None
            and c.pli is not None
            and c.loeuf is not None
            and c.pli >= PLI_HI
            and c.loeuf < LOEUF_HI
        ]
        if predicted:
            c = predicted[0]
            items.append(
                _crit(
                    "2H",
                    0.15,
                    f"{c.gene}: pLI {c.pli:.2f} >= {PLI_HI} and LOEUF {c.loeuf:.2f} < "
                    f"{LOEUF_HI} ({c.source}): two HI predictors",
                )
            )
        else:
            items.append(
                _crit(
                    "2H",
                    0.15,
                    "no gene overlapped has two HI predictors (pLI, LOEUF) in the "
                    "bundled gnomAD constraint table",
                    met=False,
                )
            )
    items.append(
        _not_evaluated(
            "2B/2F/2G",
            "established HI/TS and benign CNV regions (ClinGen dosage map, DGV/gnomAD-SV) are not bundled",
        )
    )
    if coding_genes >= 35:
        items.append(_crit("3C", 0.90, f"{coding_genes} protein-coding genes (35 or more)"))
    elif coding_genes >= 25:
        items.append(_crit("3B", 0.45, f"{coding_genes} protein-coding genes (25-34)"))
    else:
        items.append(_crit("3A", 0.0, f"{coding_genes} protein-coding gene(s) (0-24)"))
    items.append(
        _not_evaluated(
            "4", "case evidence from the literature and databases is reviewed by a clinical scientist"
        )
    )
    items.append(_not_evaluated("5", "inheritance (de novo, segregation) needs parental samples"))
    return items, round(sum(c.points for c in items if c.status == "met"), 2)


@dataclass(frozen=True)
class TierDecision:
    tier: Tier
    confirmation_required: bool
    review_reason: str | None = None


def _genotype_fits(
    event: StructuralVariant, ctx: GeneContext, sex: str, second_hit: bool
) -> tuple[bool, str]:
    mode = mode_of(ctx.inheritance or "")
    if mode in {Mode.DOMINANT, Mode.X_DOMINANT, Mode.UNKNOWN}:
        return True, "one copy suffices"
    homozygous = event.copy_number == 0 or event.genotype in {"1/1", "1|1"}
    if mode is Mode.X_RECESSIVE and sex == "male":
        return True, "hemizygous"
    if homozygous or second_hit:
        return True, "both alleles affected"
    return False, f"{mode.value} inheritance and one allele affected (carrier; no second qualifying allele)"


def assign_sv_tier(
    event: StructuralVariant,
    effect: GeneEffect,
    ctx: GeneContext,
    classification: Classification | None,
    sex: str = "unknown",
    second_hit: bool = False,
) -> TierDecision:
    """The SV tiering rules of the module docstring."""
    if event.filters:
        return TierDecision(Tier.NONE, False, f"failed filters {event.filters}")
    duplication_like = event.svtype in {"DUP", "INV", "BND", "INS"}
    fits, why = _genotype_fits(event, ctx, sex, second_hit)
    exon_loss = effect.consequence in {"whole_gene_deletion", "exon_deletion"}
    if exon_loss and ctx.lof_mechanism:
        if classification in (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC) and fits:
            # a call from read depth alone (no split or paired reads) is confirmed before release
            depth_only = not (event.supporting_pairs or event.supporting_split_reads)
            return TierDecision(Tier.TIER1, depth_only)
        if not fits:
            return TierDecision(Tier.NONE, True, f"exon-level loss but {why}")
        return TierDecision(Tier.TIER2, True)  # e.g. in-frame loss scoring VUS: reported, to be confirmed
    if effect.consequence == "intragenic_duplication":
        return TierDecision(Tier.TIER2, True)
    if effect.consequence in {"inversion_breaking_gene", "breakend_in_gene"} and ctx.lof_mechanism:
        return TierDecision(Tier.TIER2, True)
    reason = (
        f"{effect.consequence.replace('_', ' ')} in {effect.gene}"
        + ("" if ctx.lof_mechanism else " (loss of function not an established mechanism)")
        + ": not reported by the SV tiering rules"
    )
    return TierDecision(Tier.NONE, duplication_like, reason)
