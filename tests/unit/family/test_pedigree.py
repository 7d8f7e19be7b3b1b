"""Pedigree validation: one clear line per problem, naming the sheet and the family."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.config.models import Sample
from clinwgs.core.errors import ConfigError
from clinwgs.family.pedigree import load_pedigrees, pedigree_problems

SHEET = "config/samples.tsv"


def sample(sid: str, sex: str, relation: str = "", family: str = "FAM001", **kw: str) -> Sample:
    return Sample.model_validate(
        {
            "sample_id": sid,
            "sex": sex,
            "test_code": "R208",
            "consent_additional_findings": False,
            "reference": "GRCh38_BRCA1",
            "family_id": family,
            "relation": relation or None,
            **{k: v for k, v in kw.items() if v},
        }
    )


def trio(**overrides: dict[str, str]) -> dict[str, Sample]:
    rows = {
        "TRIO01P": {
            "sex": "female",
            "relation": "proband",
            "father": "TRIO01F",
            "mother": "TRIO01M",
            "affected": "affected",
        },
        "TRIO01F": {"sex": "male", "relation": "father", "affected": "unaffected"},
        "TRIO01M": {"sex": "female", "relation": "mother", "affected": "unaffected"},
    }
    for sid, change in overrides.items():
        rows[sid] = {**rows[sid], **change}
    return {sid: sample(sid, **row) for sid, row in rows.items()}


def problems(samples: dict[str, Sample]) -> list[str]:
    return pedigree_problems(samples, SHEET, None)[1]


def test_a_valid_trio_gives_one_pedigree() -> None:
    peds = load_pedigrees(trio(), SHEET, None)
    ped = peds["FAM001"]
    assert ped.proband == "TRIO01P" and ped.father == "TRIO01F" and ped.mother == "TRIO01M"
    assert ped.member("TRIO01F").affected == "unaffected" and ped.member("TRIO01P").affected == "affected"


def test_relation_column_alone_gives_the_parents() -> None:
    """Sheets written before the father/mother columns existed: relation names the parents."""
    samples = trio(TRIO01P={"father": "", "mother": "", "affected": ""})
    ped = load_pedigrees(samples, SHEET, None)["FAM001"]
    assert (ped.father, ped.mother) == ("TRIO01F", "TRIO01M")
    assert ped.member("TRIO01P").affected == "affected"  # the proband's default


def test_a_lone_family_member_is_not_a_family() -> None:
    assert load_pedigrees({"PC001": sample("PC001", "female", "proband")}, SHEET, None) == {}


def test_parent_of_the_wrong_sex() -> None:
    found = problems(trio(TRIO01F={"sex": "female"}))
    assert found == [
        f"{SHEET}: family FAM001: TRIO01F is TRIO01P's father but its sex is female (a father must be male)"
    ]


def test_missing_parent_row() -> None:
    samples = trio(TRIO01P={"mother": "TRIO09M"})
    found = problems(samples)
    assert len(found) == 2  # the mother column names no row, and contradicts the row with relation 'mother'
    assert any(
        "TRIO01P's mother TRIO09M is not a row of this family" in p and "family FAM001" in p for p in found
    )
    samples.pop("TRIO01M")
    found = problems(samples)
    assert found == [
        f"{SHEET}: family FAM001: TRIO01P's mother TRIO09M is not a row of this family (every "
        "parent named must be a sequenced member with the same family_id)"
    ]


def test_cycle() -> None:
    found = problems(trio(TRIO01M={"mother": "TRIO01P"}))
    assert len(found) == 1 and "cycle" in found[0] and "family FAM001" in found[0], found
    assert "TRIO01M -> TRIO01P -> TRIO01M" in found[0]


def test_two_probands() -> None:
    found = problems(trio(TRIO01M={"relation": "proband", "affected": "affected"}))
    assert found[0] == (
        f"{SHEET}: family FAM001: 2 probands (TRIO01M, TRIO01P); a family test reports on one "
        "proband: mark the others as sibling"
    )
    assert len(found) == 1


def test_unaffected_proband_contradicts_the_test() -> None:
    found = problems(trio(TRIO01P={"affected": "unaffected"}))
    assert found == [
        f"{SHEET}: family FAM001: the proband TRIO01P is marked unaffected; a family test reports "
        "on an affected proband"
    ]


def test_no_proband() -> None:
    found = problems(trio(TRIO01P={"relation": "sibling"}))
    assert found == [
        f"{SHEET}: family FAM001: no member has relation 'proband'; mark the child the test reports on"
    ]


def test_ped_file(tmp_path: Path) -> None:
    samples = {
        k: v.model_copy(update={"father": None, "mother": None, "affected": None}) for k, v in trio().items()
    }
    ped = tmp_path / "fam.ped"
    ped.write_text("FAM001 TRIO01P TRIO01F TRIO01M 2 2\nFAM001 TRIO01F 0 0 1 1\nFAM001 TRIO01M 0 0 2 1\n")
    pedigree = load_pedigrees(samples, SHEET, ped)["FAM001"]
    assert pedigree.father == "TRIO01F" and pedigree.member("TRIO01M").affected == "unaffected"
    ped.write_text("FAM001 TRIO01P TRIO01F TRIO01M 2 2\nFAM001 TRIO01F 0 0 2 1\nFAM001 TRIO01M 0 0 2 1\n")
    with pytest.raises(ConfigError) as info:
        load_pedigrees(samples, SHEET, ped)
    assert info.value.problems == [
        f"{ped} line 2 (family FAM001): TRIO01F is female in the PED file but male in the sample sheet"
    ]
