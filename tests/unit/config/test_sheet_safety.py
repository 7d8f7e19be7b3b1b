"""Input safety of the sheets: pseudonymous IDs only, values never trimmed, paths confined to the run folder
and config.yaml input_roots (config/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinwgs.config.load import load_config
from clinwgs.config.sheets import SheetFormatError, patient_identifier_reason, read_tsv
from clinwgs.inputs.paths import allowed_roots, outside_roots
from tests.unit.config.test_config import FQ1, FQ2, GOOD_SAMPLE, GOOD_UNIT, ROOT, problems_of, write_config


@pytest.mark.parametrize(
    "value",
    [
        "9434765919",  # valid NHS number
        "9434765918",  # wrong check digit: refused all the same
        "943 476 5919",
        "943-476-5919",
        "S9434765919",  # embedded
        "123456789012",  # longer runs contain ten digits
        "John_Smith",
        "smith-john",
        "Mary.Jones",
        "mary jones",
        "Anne-Marie_Jones",
    ],
)
def test_patient_identifier_shapes_are_refused(value: str) -> None:
    assert patient_identifier_reason(value) is not None


@pytest.mark.parametrize(
    "value",
    ["PC001", "HG00096", "NA12878", "S-0001", "LAB_2024_017", "S-0001-B", "BAD001", "FAM1", "123456789"],
)
def test_pseudonymous_lab_ids_pass(value: str) -> None:
    assert patient_identifier_reason(value) is None


@pytest.mark.parametrize("value", ["9434765919", "943-476-5919", "John_Smith"])
def test_identifier_like_id_is_refused_without_being_echoed(tmp_path: Path, value: str) -> None:
    row = GOOD_SAMPLE.replace("S-0001", value)
    problems = problems_of(write_config(tmp_path, [row], [GOOD_UNIT.replace("S-0001", value)]))
    text = "\n".join(problems)
    assert "samples.tsv row 2, column 'sample_id': the value" in text
    assert "units.tsv row 2, column 'sample_id': the value" in text
    assert value not in text and value.split("_")[-1] not in text
    assert sum("column 'sample_id'" in p for p in problems) == 2, problems  # one line per cell


def test_short_unit_sample_id_gets_one_correct_message(tmp_path: Path) -> None:
    problems = problems_of(write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT.replace("S-0001", "AB")]))
    about_id = [p for p in problems if "column 'sample_id'" in p]
    assert len(about_id) == 1, problems
    assert "the value is not valid; expected: the unit's sample, as in samples.tsv" in about_id[0]
    assert "3-64 characters" in about_id[0] and "not a sample of samples.tsv" not in about_id[0]


@pytest.mark.parametrize(
    ("sheet", "text", "fragment"),
    [
        ("samples.tsv", "sample_id\tsex\nS-0001 \tfemale\n", "column 'sample_id': the value has leading"),
        ("samples.tsv", "sample_id\tsex\nS-0001\t female\n", "row 2, column 'sex': the value has leading"),
        ("units.tsv", "sample_id\tfq1\nS-0001\tx.fq.gz\t\n", "row 2: 3 tab-separated fields"),
        ("units.tsv", "sample_id\tfq1\nS-0001\tx.fq.gz \n", "row 2, column 'fq1': the value has leading"),
        ("samples.tsv", "sample_id\t sex\nS-0001\tfemale\n", "header, column 2 ('sex'): the column name"),
    ],
)
def test_whitespace_is_an_error_never_trimmed(tmp_path: Path, sheet: str, text: str, fragment: str) -> None:
    (tmp_path / sheet).write_text(text)
    with pytest.raises(SheetFormatError) as info:
        read_tsv(tmp_path / sheet)
    assert any(fragment in p for p in info.value.problems), info.value.problems


def test_whitespace_reaches_the_config_problems(tmp_path: Path) -> None:
    problems = problems_of(write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT.replace("\tL1\t", "\tL1 \t")]))
    assert any(p.endswith("units.tsv: row 2, column 'unit_id': the value has leading or trailing whitespace "
                          "(space or tab); remove it (values are not trimmed)") for p in problems), problems


def test_crlf_sheets_are_not_whitespace_errors(tmp_path: Path) -> None:
    (tmp_path / "s.tsv").write_bytes(b"sample_id\tsex\r\nS-0001\tfemale\r\n")
    assert read_tsv(tmp_path / "s.tsv")[1] == [{"sample_id": "S-0001", "sex": "female"}]


# --- path confinement ---------------------------------------------------------------------------------------


def test_paths_inside_the_run_folder_pass_and_escapes_do_not(tmp_path: Path) -> None:
    run, data = tmp_path / "run", tmp_path / "data"
    (run / "reads").mkdir(parents=True)
    data.mkdir()
    (data / "r.fq.gz").write_bytes(b"")
    (run / "reads" / "link.fq.gz").symlink_to(data / "r.fq.gz")
    (run / "out").symlink_to(data, target_is_directory=True)
    roots = allowed_roots(run, [])
    assert outside_roots(Path("reads/x.fq.gz"), roots, run) is None
    assert outside_roots(run / "reads" / "x.fq.gz", roots, run) is None
    assert "climbs out ('..')" in str(outside_roots(Path("../data/r.fq.gz"), roots, run))
    assert "climbs out ('..')" in str(outside_roots(Path("reads/../../../etc/passwd"), roots, run))
    assert "is outside" in str(outside_roots(Path("/etc/passwd"), roots, run))
    assert "symbolic link" in str(outside_roots(Path("reads/link.fq.gz"), roots, run))
    assert "symbolic link" in str(outside_roots(Path("out/r.fq.gz"), roots, run))
    assert f"the run folder {run.resolve()})" in str(outside_roots(Path("/etc/passwd"), roots, run))
    listed = allowed_roots(run, [data])
    assert outside_roots(Path("reads/link.fq.gz"), listed, run) is None
    assert outside_roots(data / "r.fq.gz", listed, run) is None
    assert outside_roots(Path("../data/r.fq.gz"), allowed_roots(run, [Path("../data")]), run) is None
    assert f"input_roots {data.resolve()}" in str(outside_roots(Path("/etc/passwd"), listed, run))


def test_sheet_path_outside_the_roots_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "elsewhere" / "secret.fq.gz"
    secret.parent.mkdir()
    secret.write_bytes(b"@r\nACGT\n+\nIIII\n")
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.chdir(run)
    unit = f"S-0001\tL1\tILLUMINA\t{secret}\t../elsewhere/secret.fq.gz\t"
    problems = problems_of(write_config(run, [GOOD_SAMPLE], [unit], input_roots=[str(ROOT)]))
    text = "\n".join(problems)
    assert "column 'fq1': the path is outside the allowed input folders (the run folder" in text
    assert "column 'fq2': the path climbs out ('..') of the allowed input folders" in text
    assert f"input_roots {ROOT}); move the file under one of them or add its folder" in text
    assert "secret" not in text


def test_input_roots_default_to_the_run_folder_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])
    cfg = yaml.safe_load(path.read_text())
    del cfg["input_roots"]
    path.write_text(yaml.safe_dump(cfg))
    problems = problems_of(path)
    assert any("column 'fq1': the path is outside the allowed input folders" in p for p in problems)
    assert load_config(write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])).input_roots == [ROOT, tmp_path]


def test_missing_input_root_is_a_config_problem(tmp_path: Path) -> None:
    problems = problems_of(write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT],
                                        input_roots=[str(ROOT), str(tmp_path / "nope")]))
    assert any(f"key 'input_roots.1': folder {tmp_path / 'nope'} does not exist" in p for p in problems)


def test_repository_reads_pass_from_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    unit = f"S-0001\tL1\tILLUMINA\t{FQ1.relative_to(ROOT)}\t{FQ2}\t"
    assert load_config(write_config(tmp_path, [GOOD_SAMPLE], [unit], input_roots=[])).units["S-0001"]
