"""Counts and rates from a matching, per variant type, inside the confident BED and over all truth."""

from __future__ import annotations

from typing import Any

from clinwgs.validation.match import Matching
from clinwgs.validation.records import Call, Regions

KINDS = ("snv", "indel")


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return round(2 * precision * recall / (precision + recall), 6)


def scores(truth: dict[str, int], query: dict[str, int]) -> dict[str, Any]:
    """Genotype-aware and allele-only precision/recall/F1 from outcome counts.

    Genotype-aware: a genotype mismatch counts as an FN (truth side) and an FP (query side).
    Allele-only: a genotype mismatch counts as a TP on both sides.
    """
    t_tp, t_gt, t_fn = truth.get("tp", 0), truth.get("gt_mismatch", 0), truth.get("fn", 0)
    q_tp, q_gt, q_fp = query.get("tp", 0), query.get("gt_mismatch", 0), query.get("fp", 0)
    recall = _rate(t_tp, t_tp + t_gt + t_fn)
    precision = _rate(q_tp, q_tp + q_gt + q_fp)
    allele_recall = _rate(t_tp + t_gt, t_tp + t_gt + t_fn)
    allele_precision = _rate(q_tp + q_gt, q_tp + q_gt + q_fp)
    return {
        "truth_total": t_tp + t_gt + t_fn, "query_total": q_tp + q_gt + q_fp,
        "tp_truth": t_tp, "tp_query": q_tp, "gt_mismatch_truth": t_gt, "gt_mismatch_query": q_gt,
        "fn": t_fn, "fp": q_fp,
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "allele_precision": allele_precision, "allele_recall": allele_recall,
        "allele_f1": _f1(allele_precision, allele_recall),
    }


def _count(outcomes: dict[Call, str], kind: str, regions: Regions | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call, outcome in outcomes.items():
        if call.kind == kind and (regions is None or regions.contains(call)):
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def summarise(matching: Matching, regions: Regions) -> dict[str, Any]:
    """{'confident': {snv, indel}, 'all_truth': {snv, indel}} plus listed errors inside the BED."""
    confident = {k: scores(_count(matching.truth, k, regions), _count(matching.query, k, regions))
                 for k in KINDS}
    all_truth: dict[str, Any] = {}
    for kind in KINDS:
        counts = _count(matching.truth, kind, None)
        total = sum(counts.values())
        all_truth[kind] = {"truth_total": total, "tp_truth": counts.get("tp", 0),
                           "gt_mismatch_truth": counts.get("gt_mismatch", 0), "fn": counts.get("fn", 0),
                           "recall": _rate(counts.get("tp", 0), total),
                           "allele_recall": _rate(counts.get("tp", 0) + counts.get("gt_mismatch", 0), total)}
    errors = {
        "fn": sorted(c.label() for c, o in matching.truth.items() if o == "fn" and regions.contains(c)),
        "fp": sorted(c.label() for c, o in matching.query.items() if o == "fp" and regions.contains(c)),
        "gt_mismatch": sorted(c.label() for c, o in matching.truth.items()
                              if o == "gt_mismatch" and regions.contains(c)),
    }
    missed_anywhere = sorted(c.label() for c, o in matching.truth.items() if o != "tp")
    return {"confident": confident, "all_truth": all_truth, "errors_in_confident": errors,
            "truth_not_tp_anywhere": missed_anywhere,
            "haplotype_clusters_matched": matching.haplotype_matched,
            "haplotype_clusters_too_large": matching.clusters_too_large}
