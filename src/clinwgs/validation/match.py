"""Match truth and query calls: exact allele match first, then a haplotype-aware fallback.

Outcome per call (each side keeps its own outcome, as hap.py does for TRUTH.* and QUERY.* counts):
- ``tp``: same allele(s) and same genotype;
- ``gt_mismatch``: same allele(s), different zygosity (scored as FP + FN in the genotype-aware metric);
- ``fn`` (truth side) / ``fp`` (query side): no match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from clinwgs.validation.haplotype import ReferenceWindow, compare_cluster
from clinwgs.validation.records import Call

CLUSTER_GAP_BP = 10
"""Unmatched calls closer than this (end to start) are compared together as one haplotype cluster."""


@dataclass
class Matching:
    truth: dict[Call, str] = field(default_factory=dict)
    query: dict[Call, str] = field(default_factory=dict)
    haplotype_matched: int = 0
    clusters_too_large: int = 0


def match_calls(truth: list[Call], query: list[Call], reference: ReferenceWindow) -> Matching:
    """Label every truth call tp/gt_mismatch/fn and every query call tp/gt_mismatch/fp."""
    result = Matching()
    by_key: dict[tuple[str, int, str, str], list[Call]] = defaultdict(list)
    for call in query:
        by_key[call.key].append(call)
    for call in truth:
        candidates = by_key.get(call.key)
        if not candidates:
            continue
        other = candidates.pop(0)
        outcome = "tp" if other.zygosity == call.zygosity else "gt_mismatch"
        result.truth[call] = outcome
        result.query[other] = outcome
    left_truth = [c for c in truth if c not in result.truth]
    left_query = [c for c in query if c not in result.query]
    _haplotype_fallback(left_truth, left_query, reference, result)
    for call in truth:
        result.truth.setdefault(call, "fn")
    for call in query:
        result.query.setdefault(call, "fp")
    return result


def clusters(truth: list[Call], query: list[Call]) -> list[tuple[list[Call], list[Call]]]:
    """Group nearby unmatched calls (both sides) into clusters that hold at least one of each side."""
    tagged = sorted([(c, True) for c in truth] + [(c, False) for c in query],
                    key=lambda t: (t[0].chrom, t[0].pos1, t[0].end1))
    groups: list[tuple[list[Call], list[Call]]] = []
    chrom, end = "", -1
    for call, is_truth in tagged:
        if call.chrom != chrom or call.pos1 > end + CLUSTER_GAP_BP:
            groups.append(([], []))
            chrom, end = call.chrom, call.end1
        end = max(end, call.end1)
        groups[-1][0 if is_truth else 1].append(call)
    return [g for g in groups if g[0] and g[1]]


def _haplotype_fallback(truth: list[Call], query: list[Call], reference: ReferenceWindow,
                        result: Matching) -> None:
    for truth_group, query_group in clusters(truth, query):
        outcome = compare_cluster(truth_group, query_group, reference)
        if outcome == "too_large":
            result.clusters_too_large += 1
            continue
        if outcome is None:
            continue
        result.haplotype_matched += 1
        for call in truth_group:
            result.truth[call] = outcome
        for call in query_group:
            result.query[call] = outcome
