"""ClinVar parsing: current text values and 2015 numeric codes, review stars, conflicts."""

from __future__ import annotations

import pytest

from clinwgs.interpret.clinvar import CONFLICTING, from_info


@pytest.mark.parametrize(
    ("clnsig", "revstat", "significance", "stars"),
    [
        (["Pathogenic"], ["criteria_provided", "_multiple_submitters", "_no_conflicts"], "Pathogenic", 2),
        (["Pathogenic|_other"], ["criteria_provided,_single_submitter"], "Pathogenic", 1),
        (["Likely_pathogenic"], ["reviewed_by_expert_panel"], "Likely pathogenic", 3),
        (["Benign/Likely_benign"], ["practice_guideline"], "Benign/Likely benign", 4),
        (
            ["Conflicting_classifications_of_pathogenicity"],
            ["criteria_provided,_conflicting_classifications"],
            CONFLICTING,
            1,
        ),
        (
            ["Conflicting_interpretations_of_pathogenicity"],
            ["criteria_provided,_conflicting_interpretations"],
            CONFLICTING,
            1,
        ),
        (["Uncertain_significance"], ["no_assertion_criteria_provided"], "Uncertain significance", 0),
        # 2015 numeric generation: one code per RCV ('|'), per allele (',')
        (["5"], ["mult"], "Pathogenic", 2),
        (["4|5"], ["single|mult"], "Pathogenic/Likely pathogenic", 2),
        (["5|2"], ["no_criteria|mult"], CONFLICTING, 1),  # Scout 643594 1:156146640: capped at one star
        (["5", "255", "2"], ["single", "conf", "single"], CONFLICTING, 1),
        (["2"], ["single"], "Benign", 1),
        (["1"], ["not"], "not provided", 0),
        (["5"], ["exp"], "Pathogenic", 3),
        (["0|1"], ["single|not"], "Uncertain significance", 1),
    ],
)
def test_both_generations(clnsig: list[str], revstat: list[str], significance: str, stars: int) -> None:
    cv = from_info(clnsig, revstat, None, "rs1")
    assert cv is not None
    assert (cv.significance, cv.stars) == (significance, stars)


def test_generation_is_recorded() -> None:
    old = from_info(["5"], ["mult"], None, None)
    new = from_info(["Pathogenic"], ["criteria_provided,_multiple_submitters,_no_conflicts"], None, None)
    assert old is not None and new is not None
    assert old.generation == "numeric (2015)" and new.generation == "text (current)"


def test_conflict_with_a_pathogenic_submission_is_flagged() -> None:
    cv = from_info(["5|2"], ["no_criteria|mult"], None, None)
    assert cv is not None and cv.mentions_pathogenic and not cv.is_pathogenic


def test_conditions_keep_commas_inside_names_and_drop_not_provided() -> None:
    cv = from_info(
        ["Pathogenic"],
        ["criteria_provided,_single_submitter"],
        ["Breast-ovarian_cancer,_familial_1|not_provided|Pancreatic_cancer_4"],
        None,
    )
    assert cv is not None
    assert cv.conditions == ("Breast-ovarian cancer, familial 1", "Pancreatic cancer 4")


def test_2015_escaped_comma_in_condition() -> None:
    cv = from_info(["5"], ["single"], ["Breast-ovarian_cancer\\x2c_familial_1"], None)
    assert cv is not None and cv.conditions == ("Breast-ovarian cancer, familial 1",)


def test_missing_clnsig_is_no_assertion() -> None:
    assert from_info(None, None, None, None) is None
    assert from_info(["."], None, None, None) is None
