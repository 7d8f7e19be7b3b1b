"""Run configuration: config.yaml + samples.tsv + units.tsv -> JSON schema -> pydantic models.

One direction: files are read strictly, every problem is collected (one line each, naming file, row, column,
what is wrong and what is allowed), and only a fully valid configuration becomes a `RunConfig`.
`clinwgs validate` runs the same checks (plus, with --deep, the full input-integrity checks) before any job.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from clinwgs.config.sheets import read_tsv, row_problems, schema_problems
from clinwgs.core.errors import ConfigError

Sex = Literal["female", "male", "unknown"]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sample(Frozen):
    sample_id: str
    sex: Sex
    test_code: str
    consent_additional_findings: bool
    reference: str
    family_id: str | None = None
    relation: str | None = None


class Unit(Frozen):
    sample_id: str
    unit_id: str
    platform: str
    fq1: Path | None = None
    fq2: Path | None = None
    bam: Path | None = None
    fq1_sha256: str | None = None
    fq2_sha256: str | None = None
    bam_sha256: str | None = None

    @property
    def is_bam(self) -> bool:
        return self.bam is not None

    def files(self) -> list[tuple[str, Path, str | None]]:
        """(column, path, expected sha256) of every input file of this unit."""
        cols = [("bam", self.bam, self.bam_sha256), ("fq1", self.fq1, self.fq1_sha256)]
        cols.append(("fq2", self.fq2, self.fq2_sha256))
        return [(c, p, s) for c, p, s in cols if p is not None]


class Filters(Frozen):
    min_qual: float
    min_depth: int
    min_gq: int


class RunConfig(BaseModel):
    """The validated configuration. Sections owned by later stages are kept as plain dicts."""

    model_config = ConfigDict(extra="allow", frozen=True)

    samples_path: Path
    units_path: Path
    bundles: dict[str, Path]
    aligner: Literal["bwa", "minimap2"]
    caller: Literal["bcftools", "freebayes"]
    alignment_format: Literal["bam", "cram"]
    on_reference_mismatch: Literal["realign", "error"] = "realign"
    scatter_chunks: int
    filters: Filters
    threads: dict[str, int] = {}
    samples: dict[str, Sample]
    units: dict[str, list[Unit]]


def _sample_problems(rows: list[dict[str, str]], sheet: str, bundles: dict[str, Any]) -> list[str]:
    problems = row_problems(rows, "samples", sheet, "sample_id")
    counts = Counter(r.get("sample_id", "") for r in rows)
    for sample_id, n in sorted(counts.items()):
        if sample_id and n > 1:
            problems.append(f"{sheet}: sample_id {sample_id!r} appears {n} times; sample IDs must be unique")
    for number, row in enumerate(rows, start=2):
        ref = row.get("reference", "")
        if ref and ref not in bundles:
            allowed = ", ".join(sorted(bundles)) or "none defined"
            problems.append(
                f"{sheet} row {number} (sample_id {row.get('sample_id')}), column 'reference': "
                f"bundle {ref!r} "
                f"is not in config.yaml bundles; allowed: {allowed}"
            )
    return problems


def _unit_row_problems(number: int, row: dict[str, str], sheet: str, sample_ids: set[str]) -> list[str]:
    label = f"{sheet} row {number} (sample_id {row.get('sample_id')}, unit_id {row.get('unit_id')})"
    problems = []
    if row.get("sample_id") and row["sample_id"] not in sample_ids:
        problems.append(f"{label}, column 'sample_id': not a sample of samples.tsv")
    has_fq = bool(row.get("fq1") or row.get("fq2"))
    if has_fq == bool(row.get("bam")):
        problems.append(f"{label}: give either fq1 and fq2 (paired FASTQ) or bam (BAM/CRAM), not both")
    elif has_fq and not (row.get("fq1") and row.get("fq2")):
        problems.append(f"{label}: paired FASTQ input needs both fq1 and fq2")
    for col in ("fq1", "fq2", "bam"):
        value = row.get(col, "")
        if value and not Path(value).is_file():
            problems.append(f"{label}, column {col!r}: file {value} does not exist")
    return problems


def _unit_problems(rows: list[dict[str, str]], sheet: str, sample_ids: set[str]) -> list[str]:
    problems = row_problems(rows, "units", sheet, "sample_id")
    for number, row in enumerate(rows, start=2):
        problems += _unit_row_problems(number, row, sheet, sample_ids)
    pairs = Counter((r.get("sample_id"), r.get("unit_id")) for r in rows)
    for (sample_id, unit_id), n in sorted(pairs.items(), key=str):
        if n > 1:
            problems.append(f"{sheet}: unit {unit_id!r} of sample {sample_id!r} appears {n} times")
    with_units = {r.get("sample_id") for r in rows}
    for sample_id in sorted(sample_ids - with_units):
        problems.append(f"{sheet}: sample {sample_id!r} of samples.tsv has no unit (no input data)")
    return problems


def _read_sheet(path: Path, problems: list[str]) -> list[dict[str, str]]:
    if not path.is_file():
        problems.append(f"{path}: file does not exist")
        return []
    try:
        return read_tsv(path)[1]
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: {exc}")
        return []


def _to_models(cfg: dict[str, Any], samples: list[dict[str, str]], units: list[dict[str, str]]) -> RunConfig:
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
    stage_sections = {k: v for k, v in cfg.items() if k not in {"samples", "units", "bundles", "scatter"}}
    return RunConfig(
        **stage_sections,
        samples_path=Path(cfg["samples"]),
        units_path=Path(cfg["units"]),
        bundles={k: Path(v) for k, v in cfg["bundles"].items()},
        scatter_chunks=cfg["scatter"]["chunks"],
        samples=sample_models,
        units=unit_models,
    )


def load_config_dict(cfg: dict[str, Any], where: str = "config.yaml") -> RunConfig:
    """Validate an already-parsed config (e.g. Snakemake's `config`) and its sheets; raise ConfigError."""
    problems = schema_problems(cfg, "config", where)
    if problems:
        raise ConfigError(problems, path=where)
    for name, manifest in cfg["bundles"].items():
        if not Path(manifest).is_file():
            problems.append(f"{where}: bundles.{name}: manifest {manifest} does not exist")
    samples = _read_sheet(Path(cfg["samples"]), problems)
    units = _read_sheet(Path(cfg["units"]), problems)
    problems += _sample_problems(samples, cfg["samples"], cfg["bundles"])
    ids = {r["sample_id"] for r in samples if r.get("sample_id")}
    problems += _unit_problems(units, cfg["units"], ids)
    if problems:
        raise ConfigError(problems, path=where)
    return _to_models(cfg, samples, units)


def load_config(path: Path) -> RunConfig:
    """Read config.yaml strictly (duplicate keys refused) and validate it with its sheets."""
    from clinwgs.core.io import load_yaml_strict

    if not path.is_file():
        raise ConfigError([f"{path}: file does not exist"], path=path)
    cfg = load_yaml_strict(path)  # ConfigError naming the line of a duplicate key or syntax error
    if not isinstance(cfg, dict):
        raise ConfigError([f"{path}: top level must be a mapping of keys"], path=path)
    return load_config_dict(cfg, where=str(path))


def cli_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="clinwgs validate", description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", type=Path, default=Path("config/config.yaml"))
    parser.add_argument(
        "--deep", action="store_true", help="also verify reference checksums and read every input file fully"
    )
    args = parser.parse_args(argv)
    run = load_config(args.configfile)
    if args.deep:
        from clinwgs.inputs.run import check_run_inputs

        for line in check_run_inputs(run):
            print(line)
    n_units = sum(len(u) for u in run.units.values())
    bundles = ", ".join(run.bundles)
    print(f"{args.configfile}: OK ({len(run.samples)} samples, {n_units} units, bundles {bundles})")
    return 0
