"""Counts and rates from a matching: per record (the headline, as hap.py/vcfeval count), per ALT allele (a
second view), per variant type, inside the confident BED, stratified by repeat context and indel length,
and recall over all truth records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clinwgs.validation.match import Matching
from clinwgs.validation.records import Call, Regions

KINDS = ("snv", "indel")
CONTEXTS = ("homopolymer", "str", "other")
LENGTH_BINS = (("1", 1, 1), ("2-5", 2, 5), ("6-15", 6, 15), ("16-50", 16, 50), (">50", 51, 10**9))


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return round(2 * precision * recall / (precision + recall), 6)


def scores(truth: Mapping[str, int], query: Mapping[str, int]) -> dict[str, Any]:
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


def length_bin(length: int) -> str:
    return next(name for name, lo, hi in LENGTH_BINS if lo <= length <= hi)


Units = list[tuple[Call, str, str, int]]
"""(record, outcome, kind, indel length) per counted unit: one per record, or one per called ALT allele."""


def _record_units(outcomes: dict[Call, str]) -> Units:
    return [(c, o, c.kind, c.indel_length) for c, o in outcomes.items()]


def _allele_units(outcomes: dict[Call, str]) -> Units:
    units = []
    for call, outcome in outcomes.items():
        for alt in call.alts:
            change = abs(len(alt) - len(call.ref))
            units.append((call, outcome, "snv" if change == 0 else "indel", change))
    return units


def _count(units: Units, *, kind: str, regions: Regions | None = None,
           context: Mapping[Call, str] | None = None, repeat: str | None = None,
           length: str | None = None) -> dict[str, int]:
    """Outcome counts of the units of ``kind`` (inside ``regions`` when given, in one repeat context or one
    indel length bin when asked)."""
    counts: dict[str, int] = {}
    for call, outcome, unit_kind, change in units:
        if unit_kind != kind or (regions is not None and not regions.contains(call)):
            continue
        if repeat is not None and (context is None or context.get(call) != repeat):
            continue
        if length is not None and length_bin(change) != length:
            continue
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _by_kind(truth: Units, query: Units, regions: Regions) -> dict[str, Any]:
    return {k: scores(_count(truth, kind=k, regions=regions), _count(query, kind=k, regions=regions))
            for k in KINDS}


def strata(matching: Matching, regions: Regions, context: Mapping[Call, str]) -> dict[str, Any]:
    """Record-level scores inside the BED by repeat context (per type) and by indel length bin. Each side
    is stratified by its own records' positions, as hap.py does."""
    truth, query = _record_units(matching.truth), _record_units(matching.query)
    repeat = {ctx: {k: scores(_count(truth, kind=k, regions=regions, context=context, repeat=ctx),
                              _count(query, kind=k, regions=regions, context=context, repeat=ctx))
                    for k in KINDS} for ctx in CONTEXTS}
    lengths = {name: scores(_count(truth, kind="indel", regions=regions, length=name),
                            _count(query, kind="indel", regions=regions, length=name))
               for name, _lo, _hi in LENGTH_BINS}
    return {"repeat_context": repeat, "indel_length": lengths}


def summarise(matching: Matching, regions: Regions, context: Mapping[Call, str]) -> dict[str, Any]:
    """{'confident': {snv, indel}} per record, the same per allele, strata, recall over all truth records,
    and the listed errors inside the BED."""
    t_rec, q_rec = _record_units(matching.truth), _record_units(matching.query)
    all_truth: dict[str, Any] = {}
    for kind in KINDS:
        counts = _count(t_rec, kind=kind)
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
    return {"counting": "records (hap.py/vcfeval TRUTH.* and QUERY.*); 'confident_alleles' counts each "
                        "called ALT allele",
            "confident": _by_kind(t_rec, q_rec, regions),
            "confident_alleles": _by_kind(_allele_units(matching.truth), _allele_units(matching.query),
                                          regions),
            "strata": strata(matching, regions, context),
            "all_truth": all_truth, "errors_in_confident": errors,
            "truth_not_tp_anywhere": missed_anywhere,
            "haplotype_clusters_matched": matching.haplotype_matched,
            "haplotype_clusters_too_large": matching.clusters_too_large}
