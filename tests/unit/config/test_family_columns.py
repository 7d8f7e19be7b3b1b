"""The optional family columns of samples.tsv (father, mother, affected) and the `family` section."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinwgs.config.load import load_config
from clinwgs.core.errors import ConfigError
from tests.unit.config.test_config import FQ1, FQ2

ROOT = Path(__file__).resolve().parents[3]
HEADER = (
    "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\tfamily_id\trelation\tfather\t"
    "mother\taffected\n"
)


def write(tmp: Path, rows: list[str], **overrides: object) -> Path:
    (tmp / "samples.tsv").write_text(HEADER + "".join(r + "\n" for r in rows))
    ids = [r.split("\t")[0] for r in rows]
    units = "".join(f"{s}\tL1\tILLUMINA\t{FQ1}\t{FQ2}\t\n" for s in ids)
    (tmp / "units.tsv").write_text("sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\n" + units)
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg.update(
        samples=str(tmp / "samples.tsv"),
        units=str(tmp / "units.tsv"),
        input_roots=[str(ROOT)],
        bundles={"GRCh38_BRCA1": str(ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml")},
        interpret={"panels": str(ROOT / "config" / "panels.yaml")},
        **overrides,
    )
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


TRIO = [
    "TRIO01P\tfemale\tR208\tno\tGRCh38_BRCA1\tFAM001\tproband\tTRIO01F\tTRIO01M\taffected",
    "TRIO01F\tmale\tR208\tno\tGRCh38_BRCA1\tFAM001\tfather\t\t\tunaffected",
    "TRIO01M\tfemale\tR208\tno\tGRCh38_BRCA1\tFAM001\tmother\t\t\tunaffected",
]


def test_a_trio_sheet_gives_the_run_its_pedigree(tmp_path: Path) -> None:
    run = load_config(write(tmp_path, TRIO))
    assert list(run.pedigrees) == ["FAM001"] and run.pedigrees["FAM001"].mother == "TRIO01M"
    assert run.family.qc_min_sites == 100 and run.family.denovo_min_parent_depth == 10


def test_a_wrong_sex_parent_is_one_line_naming_sheet_and_family(tmp_path: Path) -> None:
    rows = [TRIO[0], TRIO[1].replace("\tmale\t", "\tfemale\t"), TRIO[2]]
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, rows))
    assert info.value.problems == [
        f"{tmp_path / 'samples.tsv'}: family FAM001: TRIO01F is TRIO01P's father but "
        "its sex is female (a father must be male)"
    ]


def test_bad_affected_value_and_kinship_order(tmp_path: Path) -> None:
    rows = [TRIO[0].replace("\taffected", "\tyes"), *TRIO[1:]]
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, rows))
    assert len(info.value.problems) == 1 and "column 'affected'" in info.value.problems[0]
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, TRIO, family={"unrelated_max_kinship": 0.3}))
    assert len(info.value.problems) == 1 and "unrelated_max_kinship" in info.value.problems[0]
