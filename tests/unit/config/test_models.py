"""Every section of every configuration file is typed and range-checked: a bad value is one clear line naming
the file, the dotted key, the value and what is allowed; `clinwgs validate` exits 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinwgs.cli import main
from clinwgs.config.load import load_config, load_validation_config
from clinwgs.config.models import ConfigFile, PanelSettings, PublishSection
from clinwgs.config.sheets import load_schema
from clinwgs.core.errors import ConfigError
from tests.unit.config.test_config import GOOD_SAMPLE, GOOD_UNIT, write_config

ROOT = Path(__file__).resolve().parents[3]


def set_key(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


def validate(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", "--configfile", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


# (dotted key, bad value, fragment of what is allowed), one or more per config.yaml section
CONFIG_CASES = [
    ("bundles", {}, "should be non-empty"),
    ("bundles", {"bad name": "x.yaml"}, "'bad name' is not valid; must match"),
    ("aligner", "bowtie", "allowed: 'bwa', 'minimap2'"),
    ("caller", "gatk", "allowed: 'bcftools', 'freebayes'"),
    ("alignment_format", "sam", "allowed: 'bam', 'cram'"),
    ("on_reference_mismatch", "ignore", "allowed: 'realign', 'error'"),
    ("scatter.chunks", 0, "allowed: an integer >= 1 and <= 1000"),
    ("filters.min_qual", -1, "allowed: a number >= 0"),
    ("filters.min_depth", -5, "allowed: an integer >= 0"),
    ("filters.min_gq", 2.5, "allowed: an integer >= 0"),
    ("filters.min_gq", "high", "allowed: an integer >= 0"),
    ("report.templates", 5, "allowed: a value of type string"),
    ("multiqc_name", "../elsewhere", "must match"),
    ("threads.align", 0, "allowed: an integer >= 1"),
    ("threads.sort", -2, "allowed: an integer >= 1"),
    ("threads.fastp", 0, "allowed: an integer >= 1"),
    ("interpret.panels", "panels.txt", "must match"),
    ("publish.url", "ftp://records.example", "must match"),
    ("publish.token_env", "my token", "must match"),
    ("publish.retries", -1, "allowed: an integer >= 0 and <= 20"),
    ("publish.backoff_s", 0, "allowed: a number > 0 and <= 60"),
]


@pytest.mark.parametrize(
    ("key", "value", "allowed"), CONFIG_CASES, ids=[f"{c[0]}={c[1]}" for c in CONFIG_CASES]
)
def test_bad_config_value_is_one_line_naming_key_value_and_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any, allowed: str
) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])
    cfg = yaml.safe_load(path.read_text())
    set_key(cfg, key, value)
    path.write_text(yaml.safe_dump(cfg))
    code, err = validate(path, capsys)
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.startswith("  - ")]
    assert len(lines) == 1, err
    assert f"key {key!r}" in lines[0] and allowed in lines[0], lines[0]
    assert repr(value) in lines[0] or key == "bundles"


def test_unknown_keys_are_refused_in_every_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])
    cfg = yaml.safe_load(path.read_text())
    for section in ("threads", "filters", "scatter", "interpret", "report", "publish"):
        set_key(cfg, f"{section}.extra_key", 1)
    cfg["validation"] = {}
    path.write_text(yaml.safe_dump(cfg))
    code, err = validate(path, capsys)
    assert code == 2
    for section in ("threads", "filters", "scatter", "interpret", "report", "publish"):
        assert f"key {section!r}: unknown key(s) ('extra_key' was unexpected)" in err, err
    assert "('validation' was unexpected)" in err


# the interpretation settings file (interpret.panels): (dotted key, bad value, fragment)
PANEL_CASES = [
    ("coverage_threshold_x", -5, "must be greater than or equal to 1"),
    ("coverage_threshold_x", 3.5, "must be a valid integer"),
    ("acmg.ba1_af", 7, "must be less than or equal to 1"),
    ("acmg.bs1_af", -0.1, "must be greater than or equal to 0"),
    ("acmg.bs1_af_by_gene.BRCA1", 1.5, "must be less than or equal to 1"),
    ("acmg.pm2_max_af", 0.02, "pm2_max_af < bs1_af <= ba1_af"),
    ("acmg.clinvar_min_stars", 5, "must be less than or equal to 4"),
    ("acmg.clinvar_pp5_bp6", "perhaps", "must be a valid boolean"),
    ("acmg.ba1", 0.05, "unknown key"),
    ("acmg_sf.path", None, "must be a file path"),
    ("panels.R208_lab_demo.format", "excel", "must be 'panelapp', 'lab' or 'scout'"),
    ("panels.familial_melanoma.name", None, "a panelapp panel needs `name`"),
    ("test_codes.R208", ["no_such_panel"], "R208: 'no_such_panel'"),
    ("test_codes.R254", [], "must have at least 1 item"),
    ("population_af", [{"info": "POP AF", "label": "x"}], "must match pattern"),
    ("coverage_x", 20, "unknown key"),
]


@pytest.mark.parametrize(
    ("key", "value", "allowed"), PANEL_CASES, ids=[f"{c[0]}={c[1]}" for c in PANEL_CASES]
)
def test_bad_interpretation_setting_names_file_key_value_and_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any, allowed: str
) -> None:
    settings = yaml.safe_load((ROOT / "config" / "panels.yaml").read_text())
    set_key(settings, key, value)
    panels = tmp_path / "panels.yaml"
    panels.write_text(yaml.safe_dump(settings))
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT], interpret={"panels": str(panels)})
    code, err = validate(path, capsys)
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.startswith("  - ")]
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"  - {panels}: ") and line.endswith("(interpret.panels)"), line
    assert allowed.lower() in line.lower(), line
    if key.split(".")[0] not in {"test_codes", "population_af"} and "pm2" not in key:
        assert f"key {key!r}" in line or f"key '{key.rsplit('.', 1)[0]}'" in line, line


def test_low_coverage_threshold_cannot_reach_the_report(tmp_path: Path) -> None:
    """The incident: a negative threshold was accepted and a gene called fully assessed at 3.5x."""
    settings = yaml.safe_load((ROOT / "config" / "panels.yaml").read_text())
    settings["coverage_threshold_x"] = -5
    panels = tmp_path / "panels.yaml"
    panels.write_text(yaml.safe_dump(settings))
    from clinwgs.interpret.settings import load_settings

    with pytest.raises(ConfigError, match=r"key 'coverage_threshold_x': -5 is not valid"):
        load_settings(panels)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("thresholds.controls.sensitivity.snv_missense", 2, "2 is not valid; must be less than or equal"),
        ("thresholds.giab.snv.f1", -0.5, "must be greater than or equal to 0"),
        ("workflow.cores", 0, "must be greater than or equal to 1"),
        ("controls.depth", 0, "must be greater than or equal to 1"),
        ("giab.sample_id", "NA 12878", "must match pattern"),
        ("workflow.threads", 4, "unknown key"),
    ],
)
def test_bad_validation_pack_value(tmp_path: Path, key: str, value: Any, fragment: str) -> None:
    data = yaml.safe_load((ROOT / "config" / "validation.yaml").read_text())
    set_key(data, key, value)
    path = tmp_path / "validation.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as info:
        load_validation_config(path)
    assert len(info.value.problems) == 1
    assert f"key {key!r}" in info.value.problems[0] and fragment in info.value.problems[0]


def test_defaults_come_from_the_models(tmp_path: Path) -> None:
    """Omitted sections take the model defaults; the same defaults as the schema documents."""
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT])
    cfg = yaml.safe_load(path.read_text())
    for section in ("threads", "publish", "multiqc_name", "on_reference_mismatch"):
        cfg.pop(section, None)
    path.write_text(yaml.safe_dump(cfg))
    run = load_config(path)
    assert run.threads.align == 2 and run.threads.sort == 1 and run.threads.fastp == 1
    assert run.publish == PublishSection() and run.publish.retries == 5
    assert run.multiqc_name == "multiqc_report" and run.on_reference_mismatch == "realign"
    assert run.panel_settings.coverage_threshold_x == 20 and run.panel_settings.acmg.ba1_af == 0.05


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in schema:  # Optional[...] in pydantic: the non-null branch
        branch = next(s for s in schema["anyOf"] if s.get("type") != "null")
        return {**_resolve(branch, defs), **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


CONSTRAINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "pattern", "default")


def _compare(yaml_schema: dict[str, Any], model: dict[str, Any], defs: dict[str, Any], at: str) -> list[str]:
    model = _resolve(model, defs)
    diffs = []
    if "properties" in yaml_schema or "properties" in model:
        ours, theirs = yaml_schema.get("properties", {}), model.get("properties", {})
        if set(ours) != set(theirs):
            diffs.append(f"{at}: keys {sorted(ours)} (schema) != {sorted(theirs)} (model)")
        if set(yaml_schema.get("required", [])) != set(model.get("required", [])):
            diffs.append(f"{at}: required {yaml_schema.get('required')} != {model.get('required')}")
        for key in set(ours) & set(theirs):
            diffs += _compare(ours[key], theirs[key], defs, f"{at}.{key}".lstrip("."))
        return diffs
    for name in CONSTRAINTS:
        mine, theirs = yaml_schema.get(name), model.get(name)
        if name == "enum" and theirs is None and "const" in model:
            theirs = [model["const"]]
        if name == "pattern" and model.get("format") == "path":
            continue  # Path fields are checked by a validator in the model
        if mine != theirs:
            diffs.append(f"{at}: {name} {mine!r} (schema) != {theirs!r} (model)")
    return diffs


def test_schema_and_models_agree_on_keys_ranges_and_defaults() -> None:
    """The JSON schema is the first gate and the model the second: they must not drift apart."""
    model = ConfigFile.model_json_schema()
    diffs = _compare(load_schema("config"), model, model.get("$defs", {}), "")
    assert not diffs, "\n".join(diffs)


def test_shipped_panel_settings_are_valid() -> None:
    settings = PanelSettings.model_validate(yaml.safe_load((ROOT / "config" / "panels.yaml").read_text()))
    assert settings.coverage_threshold_x == 20
    assert load_validation_config(ROOT / "config" / "validation.yaml").workflow.cores >= 1


def test_validate_bad_value_exits_2_without_traceback(tmp_path: Path) -> None:
    path = write_config(tmp_path, [GOOD_SAMPLE], [GOOD_UNIT], filters={"min_qual": 20, "min_depth": -5,
                                                                       "min_gq": 20})
    done = subprocess.run([sys.executable, "-m", "clinwgs.cli", "validate", "--configfile", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "key 'filters.min_depth': -5 is not valid; allowed: an integer >= 0" in done.stderr
