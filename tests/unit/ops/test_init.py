"""`clinwgs init`: the lab's config.yaml names every model key, validates, and nothing is overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from clinwgs.cli import main
from clinwgs.cli.validate import main as validate_main
from clinwgs.config.models import ConfigFile, Filters, Sample, Unit
from clinwgs.core.errors import ConfigError
from clinwgs.ops.init import REPO_ROOT, config_fields, description, init_lab, lab_folder

BUNDLE = REPO_ROOT / "reference" / "GRCh38_BRCA1"


def lab(tmp_path: Path) -> Path:
    labdir = tmp_path / "LAB"
    init_lab(labdir)
    return labdir


def keys_of(data: object, prefix: str = "") -> set[str]:
    if not isinstance(data, dict):
        return set()
    found = set()
    for key, value in data.items():
        found.add(f"{prefix}{key}")
        if not (prefix + key).startswith(("bundles", "identity.expected")):  # user-named entries
            found |= keys_of(value, f"{prefix}{key}.")
    return found


def test_config_names_every_model_key_and_no_other(tmp_path: Path) -> None:
    written = yaml.safe_load((lab(tmp_path) / "config.yaml").read_text())
    expected = {key for key, _, _ in config_fields()}
    assert keys_of(written) == expected
    assert {"samples", "units", "filters.min_gq", "identity.same_individual", "publish.token_env"} <= expected


def test_every_key_has_a_description_comment(tmp_path: Path) -> None:
    assert [key for key, info, sub in config_fields() if not description(key, info, sub)] == []
    text = (lab(tmp_path) / "config.yaml").read_text().splitlines()
    key_lines = [i for i, ln in enumerate(text) if ln.strip() and not ln.lstrip().startswith(("#", "GRCh38"))]
    assert len(key_lines) == len(list(config_fields()))
    assert all(text[i - 1].lstrip().startswith("#") for i in key_lines), "a key without its comment"


def test_generated_config_validates_once_the_bundle_exists(tmp_path: Path) -> None:
    labdir = lab(tmp_path)
    ConfigFile.model_validate(yaml.safe_load((labdir / "config.yaml").read_text()))
    with pytest.raises(ConfigError, match="bundles.GRCh38: manifest bundle/manifest.yaml does not exist"):
        main_validate(labdir)
    shutil.copytree(BUNDLE, labdir / "bundle")
    assert main_validate(labdir) == 0  # empty sheets: a valid configuration of no samples yet


def main_validate(labdir: Path) -> int:
    return validate_main(["--config-dir", str(labdir)])


def test_repository_settings_are_copied_and_lab_paths_are_relative(tmp_path: Path) -> None:
    cfg = yaml.safe_load((lab(tmp_path) / "config.yaml").read_text())
    repo = yaml.safe_load((REPO_ROOT / "config" / "config.yaml").read_text())
    for key in ("aligner", "caller", "alignment_format", "scatter"):
        assert cfg[key] == repo[key], key
    # the lab file lists every filter key (per-type overrides null = shared); the same thresholds result
    assert Filters.model_validate(cfg["filters"]) == Filters.model_validate(repo["filters"])
    assert (cfg["samples"], cfg["units"], cfg["bundles"]) == ("samples.tsv", "units.tsv",
                                                              {"GRCh38": "bundle/manifest.yaml"})  # fmt: skip
    assert cfg["interpret"]["panels"] == str(REPO_ROOT / "config" / "panels.yaml")
    assert cfg["report"]["templates"] == str(REPO_ROOT / "reports")
    assert cfg["identity"]["expected"] == {} and cfg["threads"]["fastp"] == 1  # model default


def test_sheets_are_headers_only(tmp_path: Path) -> None:
    labdir = lab(tmp_path)
    assert (labdir / "samples.tsv").read_text() == "\t".join(Sample.model_fields) + "\n"
    assert (labdir / "units.tsv").read_text() == "\t".join(Unit.model_fields) + "\n"


def test_refuses_a_non_empty_folder_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labdir = tmp_path / "LAB"
    labdir.mkdir()
    (labdir / "notes.txt").write_text("mine")
    assert main(["init", str(labdir)]) == 2
    assert "exists and is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in labdir.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LAB"]  # no staging folder left behind


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    (tmp_path / "LAB").mkdir()
    assert main(["init", str(tmp_path / "LAB")]) == 0
    assert sorted(p.name for p in (tmp_path / "LAB").iterdir()) == ["config.yaml", "samples.tsv", "units.tsv"]


def test_refuses_a_folder_inside_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    inside = REPO_ROOT / "results" / "lab-init-test"
    assert main(["init", str(inside)]) == 2
    assert "inside the clinwgs repository" in capsys.readouterr().err
    assert not inside.exists()


def test_config_dir_needs_a_config_and_a_folder_outside_the_repository(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no config.yaml in this lab folder; create one with `clinwgs init"):
        lab_folder(tmp_path)
    with pytest.raises(ConfigError, match="inside the clinwgs repository"):
        lab_folder(REPO_ROOT / "config")
    assert lab_folder(lab(tmp_path)) == (tmp_path / "LAB").resolve()
