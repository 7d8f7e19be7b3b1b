"""Acceptance criteria of the validation pack: measured value, threshold, counts, PASS/FAIL.

A criterion whose value cannot be measured (no truth variant of that kind) FAILS: a validation must
demonstrate each claim, not assume it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cyvcf2 import VCF

from clinwgs.config.models import ControlThresholds, GiabThresholds
from clinwgs.core.errors import InputIntegrityError
from clinwgs.validation.match import Matching

CONTROL_MATCH_BP = 50
"""A normalised truth call is attributed to the control record whose POS is within this distance."""


@dataclass(frozen=True)
class Criterion:
    name: str
    measured: float | None
    comparator: str  # '>=' or '<='
    threshold: float
    counts: str
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def criterion(name: str, measured: float | None, comparator: str, threshold: float, counts: str) -> Criterion:
    if measured is None:
        passed = False
    elif comparator == ">=":
        passed = measured >= threshold
    else:
        passed = measured <= threshold
    return Criterion(name, measured, comparator, threshold, counts, passed)


def giab_criteria(result: dict[str, Any], thresholds: GiabThresholds) -> list[Criterion]:
    """Precision, recall and F1 per variant type inside the confident BED."""
    out = []
    for kind in ("snv", "indel"):
        s, limits = result["confident"][kind], getattr(thresholds, kind)
        counts = {"precision": f"{s['tp_query']}/{s['query_total']}",
                  "recall": f"{s['tp_truth']}/{s['truth_total']}",
                  "f1": f"TP {s['tp_truth']}, FP {s['fp']}, FN {s['fn']}, "
                        f"GT mismatch {s['gt_mismatch_truth']}"}
        for metric in ("precision", "recall", "f1"):
            out.append(criterion(f"GIAB {kind.upper()} {metric}", s[metric], ">=", getattr(limits, metric),
                                 counts[metric]))
    return out


def delta_f1_criteria(workflow: dict[str, Any], bare: dict[str, Any], max_loss: float) -> list[Criterion]:
    """F1(bare caller) - F1(workflow) per type: the workflow's plumbing must not cost accuracy. It may gain:
    spanning-read re-genotyping (clinwgs.calling.regenotype) corrects indel zygosity the bare caller gets
    wrong, so the measure is a loss (negative when the workflow is better), not an absolute difference."""
    out = []
    for kind in ("snv", "indel"):
        f_work, f_bare = workflow["confident"][kind]["f1"], bare["confident"][kind]["f1"]
        loss = None if f_work is None or f_bare is None else round(f_bare - f_work, 6)
        out.append(criterion(f"dF1 loss, bare caller minus workflow, {kind.upper()}", loss, "<=", max_loss,
                             f"F1 workflow {f_work}, bare {f_bare}"))
    return out


def control_types(controls_vcf: Path) -> list[tuple[str, int, str, str]]:
    """(chrom, pos1, CONTROL_TYPE, HGVSC) of each record of the controls VCF."""
    try:
        reader = VCF(str(controls_vcf))
    except OSError as exc:
        raise InputIntegrityError(f"cannot read controls VCF: {exc}", path=controls_vcf) from exc
    rows = []
    for rec in reader:
        kind = rec.INFO.get("CONTROL_TYPE")
        if not kind:
            raise InputIntegrityError(f"record {rec.CHROM}:{rec.POS} has no INFO/CONTROL_TYPE",
                                      path=controls_vcf)
        rows.append((rec.CHROM, int(rec.POS), str(kind), str(rec.INFO.get("HGVSC") or "")))
    reader.close()
    return rows


def control_outcomes(matching: Matching,
                     controls: list[tuple[str, int, str, str]]) -> dict[str, dict[str, Any]]:
    """Per control type: how many controls, how many found with the right genotype, and each one's outcome."""
    by_type: dict[str, dict[str, Any]] = {}
    for chrom, pos1, kind, hgvs in controls:
        outcomes = [o for c, o in matching.truth.items()
                    if c.chrom == chrom and abs(c.pos1 - pos1) <= CONTROL_MATCH_BP]
        outcome = "fn" if not outcomes else ("tp" if all(o == "tp" for o in outcomes) else
                                             "gt_mismatch" if all(o != "fn" for o in outcomes) else "fn")
        entry = by_type.setdefault(kind, {"total": 0, "tp": 0, "records": []})
        entry["total"] += 1
        entry["tp"] += outcome == "tp"
        entry["records"].append({"chrom": chrom, "pos1": pos1, "hgvsc": hgvs, "outcome": outcome})
    return by_type


def control_criteria(outcomes: dict[str, dict[str, Any]], result: dict[str, Any],
                     thresholds: ControlThresholds) -> list[Criterion]:
    """Sensitivity per control type (genotype-aware) and precision over the simulated locus."""
    out = []
    for kind, limit in thresholds.sensitivity.items():
        entry = outcomes.get(kind, {"total": 0, "tp": 0})
        measured = round(entry["tp"] / entry["total"], 6) if entry["total"] else None
        out.append(criterion(f"controls sensitivity {kind}", measured, ">=", limit,
                             f"{entry['tp']}/{entry['total']}"))
    tp = sum(result["confident"][k]["tp_query"] for k in ("snv", "indel"))
    total = sum(result["confident"][k]["query_total"] for k in ("snv", "indel"))
    precision = round(tp / total, 6) if total else None
    out.append(criterion("controls precision (simulated locus)", precision, ">=", thresholds.precision,
                         f"{tp}/{total}"))
    return out
