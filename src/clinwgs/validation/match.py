"""Match truth and query records: identical records first, then haplotype comparison per cluster.

Outcome per record (each side keeps its own outcome, as hap.py does for TRUTH.* and QUERY.* counts):
- ``tp``: part of the largest set of records whose haplotype pair equals the other side's (genotype-aware);
- ``gt_mismatch``: not ``tp``, but its ALT allele(s) match the other side when zygosity is ignored
  (scored as FN on the truth side and FP on the query side in the genotype-aware metric);
- ``fn`` (truth side) / ``fp`` (query side): no match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from clinwgs.validation.haplotype import ReferenceWindow, compare_cluster, extent
from clinwgs.validation.records import Call

CLUSTER_GAP_BP = 10
"""Records whose extents (REF span, indel sliding range and touching repeats) come within this distance
of each other are compared together as one cluster."""


@dataclass
class Matching:
    truth: dict[Call, str] = field(default_factory=dict)
    query: dict[Call, str] = field(default_factory=dict)
    haplotype_matched: int = 0
    clusters_too_large: int = 0


def match_calls(truth: list[Call], query: list[Call], reference: ReferenceWindow) -> Matching:
    """Label every truth record tp/gt_mismatch/fn and every query record tp/gt_mismatch/fp."""
    result = Matching()
    by_key: dict[tuple[str, int, str, tuple[str, str]], list[Call]] = defaultdict(list)
    for call in query:
        by_key[call.key].append(call)
    for call in truth:
        candidates = by_key.get(call.key)
        if candidates:
            result.truth[call] = result.query[candidates.pop(0)] = "tp"
    left_truth = [c for c in truth if c not in result.truth]
    left_query = [c for c in query if c not in result.query]
    for group_truth, group_query, start1, end1 in clusters(left_truth, left_query, reference):
        _score_cluster(group_truth, group_query, start1, end1, reference, result)
    for call in truth:
        result.truth.setdefault(call, "fn")
    for call in query:
        result.query.setdefault(call, "fp")
    return result


def clusters(truth: list[Call], query: list[Call], reference: ReferenceWindow, *,
             repeats: bool = True) -> list[tuple[list[Call], list[Call], int, int]]:
    """Group unmatched records whose extents overlap or lie within CLUSTER_GAP_BP; keep the groups that
    hold records of both sides, with the reference interval they cover. ``repeats=False`` uses the REF
    spans only (the fallback for a cluster too large to compare)."""

    def span(call: Call) -> tuple[int, int]:
        return extent(reference, call) if repeats else (call.pos1, call.end1)

    # contig by contig, so the reference reads each contig once
    sides = sorted([(c, True) for c in truth] + [(c, False) for c in query], key=lambda t: t[0].chrom)
    tagged = sorted([(span(c), c, is_truth) for c, is_truth in sides],
                    key=lambda t: (t[1].chrom, t[0][0], t[0][1], t[1].pos1))
    groups: list[tuple[list[Call], list[Call], int, int]] = []
    chrom, end = "", -1
    for (lo, hi), call, is_truth in tagged:
        if call.chrom != chrom or lo > end + CLUSTER_GAP_BP:
            groups.append(([], [], lo, hi))
            chrom, end = call.chrom, hi
        end = max(end, hi)
        t_list, q_list, start1, _ = groups[-1]
        (t_list if is_truth else q_list).append(call)
        groups[-1] = (t_list, q_list, start1, end)
    return [g for g in groups if g[0] and g[1]]


def _score_cluster(truth: list[Call], query: list[Call], start1: int, end1: int,
                   reference: ReferenceWindow, result: Matching, *, repeats: bool = True) -> None:
    outcome = compare_cluster(truth, query, reference, start1, end1)
    if outcome is None:
        if repeats:  # too many records across a long repeat: compare the nearby ones among them
            for sub in clusters(truth, query, reference, repeats=False):
                _score_cluster(*sub, reference, result, repeats=False)
        else:
            result.clusters_too_large += 1
        return
    if outcome.truth_tp or outcome.query_tp:
        result.haplotype_matched += 1
    for i, call in enumerate(truth):
        if i in outcome.truth_tp:
            result.truth[call] = "tp"
        elif i in outcome.truth_gt:
            result.truth[call] = "gt_mismatch"
    for i, call in enumerate(query):
        if i in outcome.query_tp:
            result.query[call] = "tp"
        elif i in outcome.query_gt:
            result.query[call] = "gt_mismatch"
