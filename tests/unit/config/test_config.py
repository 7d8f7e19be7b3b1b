"""config.yaml + samples.tsv + units.tsv -> schema -> pydantic: one clear message per problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clinwgs.config.load import load_config, load_config_dict
from clinwgs.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]
BAM = ROOT / "reference" / "demo_reads" / "HG00099.BRCA1.GRCh38.bam"
FQ1 = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R1.fastq.gz"
FQ2 = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R2.fastq.gz"
SAMPLES_HEADER = "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\tfamily_id\trelation\n"
UNITS_HEADER = "sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\n"


def write_config(tmp: Path, samples: list[str], units: list[str], **overrides: object) -> Path:
    (tmp / "samples.tsv").write_text(SAMPLES_HEADER + "".join(r + "\n" for r in samples))
    (tmp / "units.tsv").write_text(UNITS_HEADER + "".join(r + "\n" for r in units))
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg.update(samples=str(tmp / "samples.tsv"), units=str(tmp / "units.tsv"))
    cfg["bundles"] = {"GRCh38_BRCA1": str(ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml")}
    cfg["interpret"] = {"panels": str(ROOT / "config" / "panels.yaml")}
    cfg["report"] = {"templates": str(ROOT / "reports")}
    cfg["input_roots"] = [str(ROOT), str(tmp)]  # the test reads live in the repository, outside tmp
    cfg.update(overrides)
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


GOOD_SAMPLE = "S-0001\tfemale\tR208\tyes\tGRCh38_BRCA1\t\t"
GOOD_UNIT = f"S-0001\tL1\tILLUMINA\t{FQ1}\t{FQ2}\t"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


def test_valid_config_becomes_typed_models(tmp_path: Path) -> None:
    bam_unit = f"HG00099\tlowcov\tILLUMINA\t\t\t{BAM}"
    run = load_config(
        write_config(
            tmp_path,
            [GOOD_SAMPLE, "HG00099\tfemale\tR208\tno\tGRCh38_BRCA1\tFAM1\tproband"],
            [GOOD_UNIT, bam_unit],
        )
    )
    assert run.samples["S-0001"].consent_additional_findings is True
    assert run.samples["HG00099"].family_id == "FAM1"
    assert run.units["S-0001"][0].fq1 == FQ1 and run.units["S-0001"][0].bam is None
    assert run.units["HG00099"][0].bam == BAM
    assert run.filters.min_depth == 8 and run.scatter.chunks == 4 and run.aligner == "bwa"


def test_shipped_config_sheets_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    try:
        run = load_config_dict(cfg)
    except ConfigError as exc:  # PC001's, PC002's and the trio's reads are simulated by the demo: only they
        simulated = ("PC001", "PC002", "TRIO01P", "TRIO01F", "TRIO01M")
        assert exc.problems
        assert all(any(s in p for s in simulated) and "does not exist" in p for p in exc.problems)
        return
    trio = {"TRIO01P", "TRIO01F", "TRIO01M"}
    assert set(run.samples) == {"PC001", "PC002", "HG00096", "HG00099", "HG00101", "NA12878", *trio}
    assert run.pedigrees["FAM001"].proband == "TRIO01P"


@pytest.mark.parametrize(
    ("sample_row", "fragment"),
    [
        (
            "S-0001\tF\tR208\tyes\tGRCh38_BRCA1\t\t",
            "column 'sex': 'F' is not valid; allowed: 'female', 'male'",
        ),
        ("S-0001\tfemale\tR208\tmaybe\tGRCh38_BRCA1\t\t", "column 'consent_additional_findings': 'maybe'"),
        ("S 0001\tfemale\tR208\tyes\tGRCh38_BRCA1\t\t", "column 'sample_id': the value is not valid"),
        ("S-0001\tfemale\tR208\tyes\tGRCh99\t\t", "bundle 'GRCh99' is not in config.yaml bundles"),
        ("S-0001\tfemale\t\tyes\tGRCh38_BRCA1\t\t", "column 'test_code': is empty or missing (required)"),
    ],
)
def test_sample_sheet_errors_name_row_column_and_allowed(
    tmp_path: Path, sample_row: str, fragment: str
) -> None:
    problems = problems_of(write_config(tmp_path, [sample_row], [GOOD_UNIT]))
    assert any(fragment in p and "samples.tsv row 2" in p for p in problems), problems


def test_duplicate_sample_ids_are_one_clear_problem(tmp_path: Path) -> None:
    problems = problems_of(write_config(tmp_path, [GOOD_SAMPLE, GOOD_SAMPLE], [GOOD_UNIT]))
    assert any("sample_id 'S-0001' appears 2 times" in p for p in problems), problems


def test_all_problems_reported_together(tmp_path: Path) -> None:
    bad_sample = "S-0001\tF\tR208\tyes\tGRCh38_BRCA1\t\t"
    missing = f"S-0001\tL2\tILLUMINA\t{tmp_path / 'gone_R1.fq.gz'}\t{FQ2}\t"
    both = f"S-0001\tL3\tILLUMINA\t{FQ1}\t{FQ2}\t{BAM}"
    orphan = f"NOBODY\tL1\tILLUMINA\t{FQ1}\t{FQ2}\t"
    problems = problems_of(write_config(tmp_path, [bad_sample], [missing, both, orphan]))
    text = "\n".join(problems)
    assert "column 'sex'" in text
    assert f"column 'fq1': file {tmp_path / 'gone_R1.fq.gz'} does not exist" in text
    assert "unit_id L3): give either fq1 and fq2" in text
    assert "sample_id NOBODY, unit_id L1), column 'sample_id': not a sample of samples.tsv" in text
    assert len(problems) >= 4


def test_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])
    path.write_text(path.read_text() + "aligner: minimap2\n")
    assert any("duplicate key 'aligner'" in p for p in problems_of(path))


def test_unknown_key_and_bad_enum_in_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT], caler="bcftools", aligner="bowtie")
    text = "\n".join(problems_of(path))
    assert "unknown key(s)" in text and "'caler'" in text
    assert "key 'aligner': 'bowtie' is not valid; allowed: 'bwa', 'minimap2'" in text


def test_ragged_row_names_the_sheet(tmp_path: Path) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE + "\textra"], [GOOD_UNIT])
    assert any("samples.tsv: row 2: 8 tab-separated fields, header has 7" in p for p in problems_of(path))


def test_validate_cli_exits_non_zero_and_prints_each_problem(tmp_path: Path) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE, GOOD_SAMPLE], [GOOD_UNIT])
    before = set(tmp_path.iterdir())
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "validate", "--configfile", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "sample_id 'S-0001' appears 2 times" in done.stderr and str(path) in done.stderr
    assert set(tmp_path.iterdir()) == before


def test_validate_cli_ok(tmp_path: Path) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "validate", "--configfile", str(path), "--deep"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "sample S-0001 unit L1: OK" in done.stdout and '"pairs": ' in done.stdout
    shutil.rmtree(tmp_path / ".snakemake", ignore_errors=True)
