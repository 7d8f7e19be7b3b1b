"""Choose hard-filter thresholds from labelled calls (ROC over one annotation at a time, then greedy).

Each query record of one variant type is labelled by the comparator (clinwgs.validation.compare): ``True``
when it is a true positive, ``False`` when it is a false positive or a genotype mismatch (both cost
precision). A filter on a feature removes the records on the wrong side of a threshold:

- ``keep="above"``: the record is filtered when its value is ``< threshold`` (QUAL, depth, GQ, allele
  balance, mapping-quality Z score);
- ``keep="below"``: filtered when ``> threshold`` (strand-bias and position-bias scores).

A record without the value is never filtered (as ``bcftools filter`` treats a missing value). Removing a
true positive costs recall, removing a false one gains precision:

    precision = TP_kept / (TP_kept + FP_kept)    recall = w * TP_kept / truth_total    F1 = 2PR / (P + R)

where ``truth_total`` is the number of truth records of the type inside the BED (so the truth records the
caller missed already count against recall) and ``w`` the truth records per true-positive query record
(the comparator's truth TP / query TP; below 1 when, say, a split multi-allelic record is two query
records for one truth record). The ROC of a feature is that triple for every candidate
threshold (halfway between two neighbouring distinct values seen); its best point maximises F1, ties going
to the most lenient threshold (fewest records filtered). ``fit`` is greedy: it adds, one at a time, the
feature threshold that raises F1 most on the records the earlier thresholds kept, and stops when none
raises it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    """One query record: its label (True = TP) and its annotation values (None = missing)."""

    label: bool
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class Feature:
    name: str
    keep: str  # "above" | "below"

    def __post_init__(self) -> None:
        if self.keep not in ("above", "below"):
            raise ValueError(f"keep must be 'above' or 'below', not {self.keep!r}")

    def kept(self, record: Labelled, threshold: float | None) -> bool:
        """Whether the record passes ``threshold`` (None = no filter)."""
        value = record.values.get(self.name)
        if threshold is None or value is None:
            return True
        return value >= threshold if self.keep == "above" else value <= threshold


@dataclass(frozen=True)
class Point:
    """One point of a feature's ROC: the threshold (None = no filter) and what it keeps."""

    feature: str
    threshold: float | None
    tp: int
    fp: int
    truth_total: int
    weight: float = 1.0  # truth records per true-positive query record

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return min(1.0, self.weight * self.tp / self.truth_total) if self.truth_total else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def counts(records: Iterable[Labelled]) -> tuple[int, int]:
    """(TP, FP) among ``records``."""
    tp = fp = 0
    for record in records:
        if record.label:
            tp += 1
        else:
            fp += 1
    return tp, fp


def roc(records: Sequence[Labelled], feature: Feature, truth_total: int, weight: float = 1.0) -> list[Point]:
    """The feature's ROC: no filter first, then a threshold halfway between each two neighbouring distinct
    values (each cut the data allows), from the most lenient to the strictest."""
    values = sorted({v for r in records if (v := r.values.get(feature.name)) is not None},
                    reverse=feature.keep == "below")
    points = [Point(feature.name, None, *counts(records), truth_total, weight)]
    for threshold in ((a + b) / 2 for a, b in zip(values, values[1:], strict=False)):
        kept = [r for r in records if feature.kept(r, threshold)]
        points.append(Point(feature.name, threshold, *counts(kept), truth_total, weight))
    return points


def best(points: Sequence[Point]) -> Point:
    """The point of highest F1; the first (most lenient) of equals."""
    top = points[0]
    for point in points[1:]:
        if point.f1 > top.f1:
            top = point
    return top


def apply(records: Sequence[Labelled], features: Mapping[str, Feature],
          thresholds: Mapping[str, float]) -> list[Labelled]:
    """The records that pass every threshold."""
    return [r for r in records if all(features[n].kept(r, t) for n, t in thresholds.items())]


def fit(records: Sequence[Labelled], features: Sequence[Feature], truth_total: int,
        max_filters: int = 3, weight: float = 1.0) -> dict[str, float]:
    """Greedy choice of up to ``max_filters`` thresholds (feature name -> threshold), each one the single
    threshold that raises F1 most on what the earlier ones kept; stops when none raises it."""
    by_name = {f.name: f for f in features}
    chosen: dict[str, float] = {}
    kept = list(records)
    current = Point("none", None, *counts(kept), truth_total, weight).f1
    while len(chosen) < max_filters:
        candidates = [best(roc(kept, f, truth_total, weight)) for f in features if f.name not in chosen]
        gains = [p for p in candidates if p.threshold is not None and p.f1 > current]
        if not gains:
            break
        top = max(gains, key=lambda p: p.f1)  # the first of equals, in the order of ``features``
        assert top.threshold is not None
        chosen[top.feature] = top.threshold
        kept = apply(kept, by_name, {top.feature: top.threshold})
        current = top.f1
    return chosen


def evaluate(records: Sequence[Labelled], features: Sequence[Feature], thresholds: Mapping[str, float],
             truth_total: int, weight: float = 1.0) -> Point:
    """What a set of thresholds keeps, as one point (feature 'combined')."""
    kept = apply(records, {f.name: f for f in features}, thresholds)
    return Point("combined", None, *counts(kept), truth_total, weight)
