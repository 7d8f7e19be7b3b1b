"""Acceptance criteria and the validation config: thresholds decide PASS/FAIL, bad config is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.config.load import load_validation_config
from clinwgs.config.models import ControlThresholds, GiabThresholds
from clinwgs.core.errors import ConfigError
from clinwgs.validation.acceptance import (
    control_criteria,
    control_outcomes,
    criterion,
    delta_f1_criteria,
    giab_criteria,
)
from clinwgs.validation.match import Matching
from clinwgs.validation.records import Call

REPO = Path(__file__).resolve().parents[3]


def _scores(tp: int, fp: int, fn: int, f1: float | None = None) -> dict[str, object]:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {"tp_query": tp, "tp_truth": tp, "query_total": tp + fp, "truth_total": tp + fn, "fp": fp,
            "fn": fn, "gt_mismatch_truth": 0, "precision": precision, "recall": recall, "f1": f1}


def test_criterion_comparators_and_unmeasurable() -> None:
    assert criterion("x", 0.995, ">=", 0.995, "").passed
    assert not criterion("x", 0.994, ">=", 0.995, "").passed
    assert criterion("x", 0.0, "<=", 0.0, "").passed and not criterion("x", 0.01, "<=", 0.0, "").passed
    assert not criterion("x", None, ">=", 0.0, "").passed  # nothing to measure is not a pass


def test_giab_criteria_use_counts_and_thresholds() -> None:
    result = {"confident": {"snv": _scores(45, 0, 0, 1.0), "indel": _scores(3, 0, 1, 0.857143)}}
    limits = GiabThresholds.model_validate({"snv": {"precision": 0.99, "recall": 0.99, "f1": 0.995},
                                            "indel": {"precision": 0.95, "recall": 0.95, "f1": 0.98}})
    got = {c.name: c for c in giab_criteria(result, limits)}
    assert got["GIAB SNV f1"].passed and got["GIAB INDEL precision"].passed
    assert not got["GIAB INDEL recall"].passed and got["GIAB INDEL recall"].counts == "3/4"


def test_delta_f1() -> None:
    work = {"confident": {"snv": {"f1": 1.0}, "indel": {"f1": 0.9}}}
    bare = {"confident": {"snv": {"f1": 1.0}, "indel": {"f1": 1.0}}}
    snv, indel = delta_f1_criteria(work, bare, 0.0)
    assert snv.passed and snv.measured == 0.0
    assert not indel.passed and indel.measured == pytest.approx(0.1)  # the workflow lost 0.1
    _, gained = delta_f1_criteria(bare, work, 0.0)  # the workflow better than the bare caller: passes
    assert gained.passed and gained.measured == pytest.approx(-0.1)


def test_control_outcomes_per_type_and_missing_type_fails() -> None:
    found, missed = Call("chr17", 1000, "G", ("A", "G")), Call("chr17", 5000, "TAGAC", ("T", "TAGAC"))
    wrong_gt = Call("chr17", 9001, "T", ("C", "T"))  # left-shifted by one base: still attributed
    matching = Matching(truth={found: "tp", missed: "fn", wrong_gt: "gt_mismatch"})
    controls = [("chr17", 1000, "snv_stop_gained", "c.1C>T"), ("chr17", 5000, "deletion", "c.2del"),
                ("chr17", 9000, "benign_snv", "c.3A>G")]
    outcomes = control_outcomes(matching, controls)
    assert outcomes["snv_stop_gained"]["tp"] == 1 and outcomes["deletion"]["tp"] == 0
    assert outcomes["benign_snv"]["records"][0]["outcome"] == "gt_mismatch"
    limits = ControlThresholds(sensitivity={"snv_stop_gained": 1.0, "deletion": 1.0, "splice_canonical": 1.0},
                               precision=0.99)
    result = {"confident": {"snv": {"tp_query": 2, "query_total": 2},
                            "indel": {"tp_query": 0, "query_total": 0}}}
    got = {c.name: c for c in control_criteria(outcomes, result, limits)}
    assert got["controls sensitivity snv_stop_gained"].passed
    assert not got["controls sensitivity deletion"].passed
    assert not got["controls sensitivity splice_canonical"].passed  # type absent from the VCF
    assert got["controls precision (simulated locus)"].passed


def test_project_validation_config_loads() -> None:
    cfg = load_validation_config(REPO / "config" / "validation.yaml")
    assert cfg.thresholds.giab.snv.f1 == 0.997 and cfg.thresholds.giab.indel.f1 == 0.99
    assert set(cfg.thresholds.controls.sensitivity) >= {"deletion", "duplication", "splice_canonical"}


def test_bad_validation_config_names_file_and_key(tmp_path: Path) -> None:
    text = (REPO / "config" / "validation.yaml").read_text()
    text = text.replace("snv: {precision: 0.99", "snv: {precision: 1.5")
    bad = tmp_path / "validation.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match="thresholds.giab.snv.precision") as err:
        load_validation_config(bad)
    assert str(bad) in str(err.value)


def test_duplicate_key_refused(tmp_path: Path) -> None:
    bad = tmp_path / "validation.yaml"
    bad.write_text((REPO / "config" / "validation.yaml").read_text() + "output_dir: elsewhere\n")
    with pytest.raises(ConfigError, match="duplicate key"):
        load_validation_config(bad)
