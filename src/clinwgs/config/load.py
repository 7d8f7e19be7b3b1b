"""Run configuration: config.yaml + samples.tsv + units.tsv + panels.yaml -> JSON schema -> typed models.

One direction: files are read strictly, every problem is collected (one line each, naming file, row, column
or dotted key, the value and what is allowed), and only a fully valid configuration becomes a `RunConfig`
(clinwgs.config.models). `clinwgs validate` runs the same checks (plus, with --deep, the full input-integrity
checks) before any job; the workflow (rules/common.smk) loads the same `RunConfig` and reads nothing else.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from clinwgs.config.models import (
    ConfigFile,
    Filters,
    PanelSettings,
    RunConfig,
    Sample,
    Sections,
    Unit,
    ValidationConfig,
)
from clinwgs.config.sheets import (
    SheetFormatError,
    read_tsv,
    row_problems,
    schema_problems,
    shown_id,
)
from clinwgs.core.errors import ConfigError
from clinwgs.core.io import load_yaml_strict
from clinwgs.family.pedigree import pedigree_problems
from clinwgs.inputs.paths import allowed_roots, outside_roots

__all__ = [
    "ConfigFile",
    "Filters",
    "PanelSettings",
    "RunConfig",
    "Sample",
    "Unit",
    "ValidationConfig",
    "load_config",
    "load_config_dict",
    "load_panel_settings",
    "load_validation_config",
    "model_problems",
    "validate_model",
]

M = TypeVar("M", bound=BaseModel)


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else "the value"


def model_problems(exc: ValidationError, where: str) -> list[str]:
    """One line per pydantic error: '<where>: key 'a.b': <value> is not valid; must be ...'."""
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        label = f"{where}: key {key!r}: " if key else f"{where}: "
        msg = str(err["msg"])
        if err["type"] == "missing":
            text = "is missing (required)"
        elif err["type"] == "extra_forbidden":
            text = "unknown key"
        elif err["type"] == "value_error":
            text = msg.removeprefix("Value error, ")
        elif err["type"] == "path_type":
            text = f"{_shown(err['input'])} is not valid; must be a file path"
        else:
            text = f"{_shown(err['input'])} is not valid; " + re.sub(r"^\w+ should", "must", msg)
        problems.append(label + text)
    return problems


def validate_model(model: type[M], data: Any, where: str) -> M:
    """``model.model_validate(data)``, raising ConfigError with one line per problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(model_problems(exc, where), path=where) from None


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ConfigError([f"{path}: file does not exist"], path=path)
    try:
        return load_yaml_strict(path)  # ConfigError naming the line of a syntax error or duplicate key
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: not readable as UTF-8 text ({type(exc).__name__})"], path=path) from exc


def load_panel_settings(path: Path) -> PanelSettings:
    """Read and check the interpretation settings (config/panels.yaml); raise ConfigError."""
    return validate_model(PanelSettings, _read_yaml(path), str(path))


def load_validation_config(path: Path) -> ValidationConfig:
    """Read and check the validation pack's configuration (config/validation.yaml); raise ConfigError."""
    return validate_model(ValidationConfig, _read_yaml(path), str(path))

def _sample_problems(rows: list[dict[str, str]], sheet: str, bundles: dict[str, Any]) -> list[str]:
    problems = row_problems(rows, "samples", sheet, "sample_id")
    counts = Counter(r.get("sample_id", "") for r in rows)
    for sample_id, n in sorted(counts.items()):
        if n > 1 and shown_id({"sample_id": sample_id}, "sample_id"):
            problems.append(f"{sheet}: sample_id {sample_id!r} appears {n} times; sample IDs must be unique")
    for number, row in enumerate(rows, start=2):
        ref = row.get("reference", "")
        if ref and ref not in bundles:
            allowed = ", ".join(sorted(bundles)) or "none defined"
            safe = shown_id(row, "sample_id")
            problems.append(
                f"{sheet} row {number}" + (f" (sample_id {safe})" if safe else "") + ", column 'reference': "
                f"bundle {ref!r} is not in config.yaml bundles; allowed: {allowed}"
            )
    return problems


@dataclass(frozen=True)
class _Where:
    """Where a run's sheet paths may point (clinwgs.inputs.paths)."""

    run_folder: Path
    roots: list[Path]


def _unit_row_problems(
    number: int, row: dict[str, str], sheet: str, sample_ids: set[str], where: _Where
) -> list[str]:
    safe = shown_id(row, "sample_id")
    shown = f"sample_id {safe}, " if safe else ""
    label = f"{sheet} row {number} ({shown}unit_id {row.get('unit_id')})"
    problems = []
    # an ID the schema or the identifier rule refuses is reported once, by row_problems
    if safe and row["sample_id"] not in sample_ids:
        problems.append(f"{label}, column 'sample_id': not a sample of samples.tsv")
    has_fq = bool(row.get("fq1") or row.get("fq2"))
    if has_fq == bool(row.get("bam")):
        problems.append(f"{label}: give either fq1 and fq2 (paired FASTQ) or bam (BAM/CRAM), not both")
    elif has_fq and not (row.get("fq1") and row.get("fq2")):
        problems.append(f"{label}: paired FASTQ input needs both fq1 and fq2")
    for col in ("fq1", "fq2", "bam"):
        value = row.get(col, "")
        if not value:
            continue
        outside = outside_roots(Path(value), where.roots, where.run_folder)
        if outside:  # refused before the file is looked at: its name may not even be printed safely
            problems.append(
                f"{label}, column {col!r}: {outside}; move the file under one of them or add its folder to "
                "config.yaml input_roots"
            )
        elif not Path(value).is_file():
            problems.append(f"{label}, column {col!r}: file {value} does not exist")
    return problems


def _unit_problems(rows: list[dict[str, str]], sheet: str, sample_ids: set[str], where: _Where) -> list[str]:
    problems = row_problems(rows, "units", sheet, "sample_id")
    for number, row in enumerate(rows, start=2):
        problems += _unit_row_problems(number, row, sheet, sample_ids, where)
    pairs = Counter((r.get("sample_id"), r.get("unit_id")) for r in rows)
    for (sample_id, unit_id), n in sorted(pairs.items(), key=str):
        if n > 1:
            safe = shown_id({"sample_id": sample_id or ""}, "sample_id")
            shown = repr(sample_id) if safe else "(see above)"
            problems.append(f"{sheet}: unit {unit_id!r} of sample {shown} appears {n} times")
    with_units = {r.get("sample_id") for r in rows}
    for sample_id in sorted(sample_ids - with_units):
        if shown_id({"sample_id": sample_id}, "sample_id"):
            problems.append(f"{sheet}: sample {sample_id!r} of samples.tsv has no unit (no input data)")
    return problems


def _read_sheet(path: Path, problems: list[str]) -> list[dict[str, str]]:
    if not path.is_file():
        problems.append(f"{path}: file does not exist")
        return []
    try:
        return read_tsv(path)[1]
    except SheetFormatError as exc:
        problems += [f"{path}: {p}" for p in exc.problems]
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: {exc}")
    return []


def _to_models(
    cf: ConfigFile, panels: PanelSettings, samples: list[dict[str, str]], units: list[dict[str, str]]
) -> RunConfig:
    sample_models = {
        r["sample_id"]: Sample(
            **{k: v for k, v in r.items() if v and k != "consent_additional_findings"},  # type: ignore[arg-type]
            consent_additional_findings=r["consent_additional_findings"] == "yes",
        )
        for r in samples
    }
    unit_models: dict[str, list[Unit]] = {s: [] for s in sample_models}
    for r in units:
        unit_models[r["sample_id"]].append(Unit(**{k: v for k, v in r.items() if v}))  # type: ignore[arg-type]
    return RunConfig(
        **{name: getattr(cf, name) for name in Sections.model_fields},
        samples_path=cf.samples,
        units_path=cf.units,
        samples=sample_models,
        units=unit_models,
        panel_settings=panels,
    )


def _panels_or_problems(cf: ConfigFile, problems: list[str]) -> PanelSettings | None:
    try:
        return load_panel_settings(cf.interpret.panels)
    except ConfigError as exc:
        problems += [f"{p} (interpret.panels)" for p in exc.problems]
        return None


def load_config_dict(cfg: dict[str, Any], where: str = "config.yaml") -> RunConfig:
    """Validate an already-parsed config (e.g. Snakemake's `config`), its sheets and its panel settings;
    raise ConfigError listing every problem."""
    problems = schema_problems(cfg, "config", where)
    if problems:
        raise ConfigError(problems, path=where)
    cf = validate_model(ConfigFile, cfg, where)
    for name, manifest in cf.bundles.items():
        if not manifest.is_file():
            problems.append(f"{where}: bundles.{name}: manifest {manifest} does not exist")
    panels = _panels_or_problems(cf, problems)
    samples = _read_sheet(cf.samples, problems)
    units = _read_sheet(cf.units, problems)
    problems += _sample_problems(samples, str(cf.samples), cf.bundles)
    ids = {r["sample_id"] for r in samples if r.get("sample_id")}
    run_folder = Path.cwd()
    for number, root in enumerate(cf.input_roots):
        if not (run_folder / root).is_dir():
            problems.append(f"{where}: key 'input_roots.{number}': folder {root} does not exist")
    confined = _Where(run_folder, allowed_roots(run_folder, cf.input_roots))
    problems += _unit_problems(units, str(cf.units), ids, confined)
    if problems or panels is None:
        raise ConfigError(problems, path=where)
    run = _to_models(cf, panels, samples, units)
    # family structure (issue 16): one line per problem, naming the sheet (or PED file) and the family
    pedigrees, family_problems = pedigree_problems(run.samples, str(cf.samples), cf.family.ped)
    if family_problems:
        raise ConfigError(family_problems, path=where)
    return run.model_copy(update={"pedigrees": pedigrees})


def load_config(path: Path) -> RunConfig:
    """Read config.yaml strictly (duplicate keys refused) and validate it with its sheets."""
    cfg = _read_yaml(path)
    if not isinstance(cfg, dict):
        raise ConfigError([f"{path}: top level must be a mapping of keys"], path=path)
    return load_config_dict(cfg, where=str(path))
