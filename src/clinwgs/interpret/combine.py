"""ACMG/AMP 2015 combining rules (Richards et al. 2015, Table 5) and GEL-like tiers.

One addition, from ClinGen SVI (PM2 v1.0, 2020): PVS1 + PM2_Supporting alone is Likely pathogenic, because
PM2 was downgraded to supporting and the 2015 table would otherwise leave a null variant absent from
population data as a VUS. Evidence in both directions gives "Uncertain significance" (conflicting).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from clinwgs.models.findings import Classification, Tier


class _Criterion(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def strength(self) -> str | None: ...
    @property
    def direction(self) -> str: ...


_PATH_KEYS = {"very_strong": "VS", "strong": "S", "moderate": "M", "supporting": "P"}
_BEN_KEYS = {"stand_alone": "A", "strong": "S", "supporting": "P"}


def _counts(criteria: Sequence[_Criterion], direction: str) -> Counter[str]:
    keys = _PATH_KEYS if direction == "pathogenic" else _BEN_KEYS
    counts: Counter[str] = Counter()
    for c in criteria:
        if c.status == "met" and c.direction == direction:
            key = keys.get(c.strength or "")
            if key:
                counts[key] += 1
    return counts


def _pathogenic(n: Counter[str]) -> bool:
    vs, s, m, p = n["VS"], n["S"], n["M"], n["P"]
    return (
        (vs >= 1 and (s >= 1 or m >= 2 or (m == 1 and p == 1) or p >= 2))
        or s >= 2
        or (s == 1 and (m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4)))
    )


def _likely_pathogenic(n: Counter[str]) -> bool:
    vs, s, m, p = n["VS"], n["S"], n["M"], n["P"]
    return (
        (vs >= 1 and m == 1)
        or (vs >= 1 and p == 1)  # ClinGen SVI 2020: PVS1 + PM2_Supporting
        or (s == 1 and 1 <= m <= 2)
        or (s == 1 and p >= 2)
        or m >= 3
        or (m == 2 and p >= 2)
        or (m == 1 and p >= 4)
    )


def classify(criteria: Sequence[_Criterion]) -> Classification:
    """Combine met criteria into P / LP / VUS / LB / B."""
    path, ben = _counts(criteria, "pathogenic"), _counts(criteria, "benign")
    is_p, is_lp = _pathogenic(path), _likely_pathogenic(path)
    is_b = ben["A"] >= 1 or ben["S"] >= 2
    is_lb = (ben["S"] >= 1 and ben["P"] >= 1) or ben["P"] >= 2
    if (is_p or is_lp) and (is_b or is_lb):
        return Classification.VUS
    if is_p:
        return Classification.PATHOGENIC
    if is_lp:
        return Classification.LIKELY_PATHOGENIC
    if is_b:
        return Classification.BENIGN
    if is_lb:
        return Classification.LIKELY_BENIGN
    return Classification.VUS


def assign_tier(
    classification: Classification, genotype_fits: bool, protein_altering: bool, rare: bool, passed: bool
) -> Tier:
    """Tier 1: P/LP with a genotype that fits the gene's inheritance. Tier 2: rare protein-altering VUS.
    A record failing the hard filters is never tiered (it goes to the scientist's review list)."""
    if not passed:
        return Tier.NONE
    if classification in (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC) and genotype_fits:
        return Tier.TIER1
    if classification is Classification.VUS and protein_altering and rare:
        return Tier.TIER2
    return Tier.NONE
