"""Filter thresholds chosen from labelled calls: each answer below is worked out by hand in the comments."""

from __future__ import annotations

import pytest

from clinwgs.validation.roc import Feature, Labelled, Point, best, evaluate, fit, roc

QUAL = Feature("QUAL", "above")
SB = Feature("SB", "below")


def rec(label: bool, **values: float | None) -> Labelled:
    return Labelled(label, values)


def test_point_scores() -> None:
    # 4 TP, 2 FP, 5 truth records: P = 4/6, R = 4/5, F1 = 2TP / (2TP + FP + FN) = 8 / (8 + 2 + 1) = 8/11
    point = Point("QUAL", None, tp=4, fp=2, truth_total=5)
    assert point.precision == pytest.approx(4 / 6)
    assert point.recall == pytest.approx(0.8)
    assert point.f1 == pytest.approx(8 / 11)
    assert Point("x", None, 0, 0, 0).f1 == 0.0


def test_roc_over_quality_cuts_between_values_and_picks_best_f1() -> None:
    # TP at QUAL 50, 40, 30, 12; FP at 10, 15; one truth record was never called (truth_total 5).
    records = [rec(True, QUAL=q) for q in (50, 40, 30, 12)] + [rec(False, QUAL=q) for q in (10, 15)]
    points = roc(records, QUAL, truth_total=5)
    # cuts halfway between neighbouring values: 11, 13.5, 22.5, 35, 45 (after 'no filter')
    assert [p.threshold for p in points] == [None, 11, 13.5, 22.5, 35, 45]
    # no filter 8/11; 11 drops FP 10 -> TP4 FP1: 8/10; 13.5 drops 12 too -> TP3 FP1: 6/9;
    # 22.5 -> TP3 FP0: 6/8; 35 -> TP2: 4/7; 45 -> TP1: 2/6
    assert [round(p.f1, 4) for p in points] == [round(x, 4) for x in (8 / 11, 0.8, 6 / 9, 0.75, 4 / 7, 2 / 6)]
    top = best(points)
    assert (top.threshold, top.tp, top.fp) == (11, 4, 1)


def test_keep_below_orders_from_lenient_and_missing_values_are_never_filtered() -> None:
    # strand bias: TP 0, 1, 2; FP 30; an FP with no value stays whatever the threshold (as bcftools does)
    records = [rec(True, SB=v) for v in (0, 1, 2)] + [rec(False, SB=30), rec(False, SB=None)]
    points = roc(records, SB, truth_total=3)
    assert [p.threshold for p in points] == [None, 16, 1.5, 0.5]
    # 16 drops the FP at 30 only: TP3 FP1 -> 6 / (6 + 1 + 0) = 6/7
    top = best(points)
    assert (top.threshold, top.tp, top.fp) == (16, 3, 1)
    assert top.f1 == pytest.approx(6 / 7)


def test_ties_go_to_the_most_lenient_threshold() -> None:
    # FP at 1, TP at 10 and 20: cut 5.5 drops the FP (F1 1.0); cut 15 drops a TP too (F1 2/3)
    records = [rec(False, QUAL=1), rec(True, QUAL=10), rec(True, QUAL=20)]
    assert best(roc(records, QUAL, 2)).threshold == 5.5
    # only TPs: nothing raises F1, 'no filter' (the first point) wins
    assert best(roc(records[1:], QUAL, 2)).threshold is None


def test_greedy_fit_combines_features_and_stops_without_gain() -> None:
    # A TP q50 sb0, B TP q40 sb1, C FP q5 sb0, D FP q45 sb60; truth_total 2. No filter: TP2 FP2 -> 4/6.
    # Round 1: QUAL best cut 22.5 (drops C): TP2 FP1 -> 4/5; SB best cut 30.5 (drops D): 4/5 too -> the first
    # feature in order (QUAL) wins the tie. Round 2 on A, B, D: SB 30.5 drops D -> TP2 FP0 -> F1 1.0.
    # Round 3: nothing left to gain -> stop.
    records = [rec(True, QUAL=50, SB=0), rec(True, QUAL=40, SB=1), rec(False, QUAL=5, SB=0),
               rec(False, QUAL=45, SB=60)]
    chosen = fit(records, [QUAL, SB], truth_total=2)
    assert chosen == {"QUAL": 22.5, "SB": 30.5}
    point = evaluate(records, [QUAL, SB], chosen, truth_total=2)
    assert (point.tp, point.fp, point.f1) == (2, 0, 1.0)
    # capped at one filter: only the first round's choice
    assert fit(records, [QUAL, SB], truth_total=2, max_filters=1) == {"QUAL": 22.5}
    # all TPs: nothing is chosen
    assert fit(records[:2], [QUAL, SB], truth_total=2) == {}


def test_feature_direction_is_checked() -> None:
    with pytest.raises(ValueError, match="above"):
        Feature("QUAL", "up")


def test_weight_turns_query_true_positives_into_truth_records() -> None:
    # a 1/2 truth record split into two query records: 2 query TPs stand for 1 truth record (weight 0.5);
    # with one more truth record missed, recall = 0.5 * 2 / 2 = 0.5 (not 2/2), and never above 1
    point = Point("x", None, tp=2, fp=0, truth_total=2, weight=0.5)
    assert point.recall == 0.5 and point.precision == 1.0
    assert Point("x", None, tp=3, fp=0, truth_total=2).recall == 1.0
    records = [rec(True, QUAL=30), rec(True, QUAL=40), rec(False, QUAL=5)]
    # no filter: P 2/3, R 0.5 -> F1 4/7; cut 17.5 drops the FP: P 1, R 0.5 -> F1 2/3
    top = best(roc(records, QUAL, truth_total=2, weight=0.5))
    assert (top.threshold, round(top.f1, 4)) == (17.5, round(2 / 3, 4))
