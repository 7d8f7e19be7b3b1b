"""`clinwgs init LABDIR`: a lab's own configuration folder, and the checks `--config-dir LABDIR` makes.

The folder holds ``config.yaml`` (every key of the typed models in clinwgs.config.models, each commented
with its description from the model or workflow/schemas/config.schema.yaml, what is allowed and its default),
``samples.tsv`` and ``units.tsv`` with their header line only (columns from the sheet models). The file is
generated from the models, so it cannot drift from them; a unit test validates it and checks it names every
field. Values: the lab's own paths (sheets and bundle, relative to LABDIR), the repository's validated
settings from config/config.yaml (aligner, caller, filters ...), else the model's default. Paths among those
settings (the interpretation settings file, the report templates) become absolute paths into the repository:
a lab uses the shipped GMS panels and report templates until it points at its own (docs/operations.md).

A lab run (`clinwgs run --config-dir LABDIR`) works inside LABDIR: relative paths resolve against it and
results/, logs/ and resources/ are written there, never inside the repository.
"""

from __future__ import annotations

import shutil
import textwrap
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from clinwgs.config.models import ConfigFile, Sample, Sections, Unit
from clinwgs.config.sheets import load_schema
from clinwgs.core.errors import ConfigError
from clinwgs.core.io import load_yaml_strict

REPO_ROOT = Path(__file__).resolve().parents[3]
REPO_CONFIG = REPO_ROOT / "config" / "config.yaml"
CONFIG_NAME = "config.yaml"
SAMPLES_NAME = "samples.tsv"
UNITS_NAME = "units.tsv"
BUNDLE_KEY = "GRCh38"
WIDTH = 110

# the lab's own values (relative paths resolve against LABDIR); never taken from the repository's config
LAB_VALUES: dict[str, Any] = {
    "samples": SAMPLES_NAME,
    "units": UNITS_NAME,
    "bundles": {BUNDLE_KEY: "bundle/manifest.yaml"},
    "identity.expected": {},
    "identity.same_individual": [],
    "input_roots": [],  # the lab folder only, until the lab lists its sequencer output folders
}
# what a lab does next with a key, printed under its description
LAB_NOTES: dict[str, str] = {
    "bundles": (
        f"Make it with: clinwgs bundle create --fasta GENOME.fa.gz --build GRCh38 --out LABDIR/bundle "
        f"--name {BUNDLE_KEY} (add --gff3, --clinvar, --af NAME=VCF); samples.tsv `reference` names the key."
    ),
    "interpret.panels": (
        "The repository's GMS panels file (test codes, panels, ACMG cut-offs). To use your own, copy it into "
        "this folder, make the paths inside it valid (they are relative to that file) and point here."
    ),
    "report.templates": "The repository's report templates, CSS and methods text.",
}
HEADER = """\
# clinwgs lab configuration, written by `clinwgs init`. Every key is listed with what it does, what is
# allowed and its default. Check it with `clinwgs validate --config-dir LABDIR`; run it with
# `clinwgs run --config-dir LABDIR` (results/, logs/ and resources/ are written inside LABDIR).
# Nothing else is merged in: a key removed from this file takes the model's default, never the repository's
# config/config.yaml. Full reference: config/README.md and docs/operations.md in the repository.
"""


def _submodel(info: FieldInfo) -> type[BaseModel] | None:
    ann = info.annotation
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def config_fields(
    model: type[BaseModel] = ConfigFile, prefix: str = ""
) -> Iterator[tuple[str, FieldInfo, type[BaseModel] | None]]:
    """(dotted key, field, sub-model or None) of every key of config.yaml, depth first, in file order
    (the sheet paths first, then the sections in model order)."""
    names = list(model.model_fields)
    if model is ConfigFile:
        names = [n for n in names if n not in Sections.model_fields] + list(Sections.model_fields)
    for name in names:
        info = model.model_fields[name]
        sub = _submodel(info)
        yield f"{prefix}{name}", info, sub
        if sub is not None:
            yield from config_fields(sub, f"{prefix}{name}.")


def _schema_of(key: str) -> dict[str, Any]:
    node: dict[str, Any] = load_schema("config")
    for part in key.split("."):
        node = node.get("properties", {}).get(part, {})
    return node


def description(key: str, info: FieldInfo, sub: type[BaseModel] | None) -> str:
    """The key's description: the model's, else the JSON schema's, else (a section) its class docstring."""
    text = info.description or _schema_of(key).get("description") or (sub.__doc__ if sub else None) or ""
    return " ".join(text.split())


def _allowed(key: str, info: FieldInfo) -> str:
    choices = typing.get_args(info.annotation) if typing.get_origin(info.annotation) is typing.Literal else ()
    if choices:
        return ", ".join(str(c) for c in choices)
    schema = _schema_of(key)
    ops = (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<"))
    bounds = [f"{op} {schema[k]}" for k, op in ops if k in schema]
    return " and ".join(bounds)


def _default(info: FieldInfo) -> Any:
    return info.get_default(call_default_factory=True)


def _comment(key: str, info: FieldInfo, sub: type[BaseModel] | None, indent: str) -> list[str]:
    parts = [description(key, info, sub)]
    if sub is None:
        allowed = _allowed(key, info)
        parts.append(f"Allowed: {allowed}." if allowed else "")
        if info.is_required():
            parts.append("Required.")
        elif key not in LAB_VALUES:
            default = _default(info)
            parts.append(f"Default: {default if not isinstance(default, Path) else str(default)}.")
    if key in LAB_NOTES:
        parts.append(LAB_NOTES[key])
    text = " ".join(p.rstrip(".") + "." for p in parts if p)
    return textwrap.wrap(text, WIDTH - len(indent) - 2, initial_indent=f"{indent}# ",
                         subsequent_indent=f"{indent}# ")  # fmt: skip


def _lookup(config: dict[str, Any], key: str) -> tuple[bool, Any]:
    node: Any = config
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _value(key: str, info: FieldInfo, repo: dict[str, Any]) -> Any:
    if key in LAB_VALUES:
        return LAB_VALUES[key]
    found, value = _lookup(repo, key)
    if not found:
        if info.is_required():
            raise ConfigError([f"{REPO_CONFIG}: key {key!r} is missing; init takes its starting value there"])
        value = _default(info)
    if info.annotation is Path:
        return str(REPO_ROOT / Path(value))  # a repository file: absolute, so it resolves from LABDIR too
    return value


def _plain(value: Any) -> Any:
    """Paths as strings, tuples as lists: what yaml.safe_dump writes."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def render_config(repo: dict[str, Any]) -> str:
    """The lab's config.yaml: every key of ConfigFile, commented; ``repo`` is the repository's config."""
    lines = [HEADER.rstrip("\n")]
    for key, info, sub in config_fields():
        depth = key.count(".")
        indent = "  " * depth
        if depth == 0:
            lines.append("")
        lines += _comment(key, info, sub, indent)
        name = key.rsplit(".", 1)[-1]
        if sub is not None:
            lines.append(f"{indent}{name}:")
            continue
        value = _plain(_value(key, info, repo))
        # a list of scalars (sv.types) on one line, [DEL, DUP]: one key, one line
        flat = isinstance(value, list) and not any(isinstance(v, list | dict) for v in value)
        dumped = yaml.safe_dump({name: value}, sort_keys=False,
                                default_flow_style=None if flat else False, width=WIDTH)  # fmt: skip
        lines += [f"{indent}{line}" for line in dumped.rstrip("\n").splitlines()]
    return "\n".join(lines) + "\n"


def sheet_header(model: type[BaseModel]) -> str:
    return "\t".join(model.model_fields) + "\n"


def inside_repository(path: Path) -> bool:
    return path.resolve().is_relative_to(REPO_ROOT)


def _refuse_inside_repository(path: Path, what: str) -> None:
    if inside_repository(path):
        raise ConfigError([
            f"{path}: {what} is inside the clinwgs repository ({REPO_ROOT}); a lab folder holds patient "
            "results and must live outside it: give a folder elsewhere (e.g. under your lab's data share)"
        ])  # fmt: skip


def init_lab(labdir: Path) -> list[Path]:
    """Write LABDIR/config.yaml, samples.tsv and units.tsv; returns their paths. Refuses an existing
    non-empty folder and a folder inside the repository; writes nothing unless all files are ready (the
    folder is assembled beside it and renamed into place)."""
    _refuse_inside_repository(labdir, "the lab folder")
    if labdir.exists() and (not labdir.is_dir() or any(labdir.iterdir())):
        raise ConfigError([f"{labdir}: exists and is not empty; give a new folder (nothing was written)"])
    repo = load_yaml_strict(REPO_CONFIG)
    files = {
        CONFIG_NAME: render_config(repo if isinstance(repo, dict) else {}),
        SAMPLES_NAME: sheet_header(Sample),
        UNITS_NAME: sheet_header(Unit),
    }
    staging = labdir.parent / f".{labdir.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if labdir.exists():
            labdir.rmdir()
        staging.rename(labdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [labdir / name for name in files]


def lab_folder(labdir: Path) -> Path:
    """The absolute lab folder of `--config-dir LABDIR`, checked: it exists, holds config.yaml and lies
    outside the repository (its results/ would otherwise be written into the checkout)."""
    if not (labdir / CONFIG_NAME).is_file():
        hint = "create one with `clinwgs init LABDIR`"
        raise ConfigError([f"{labdir}: no {CONFIG_NAME} in this lab folder; {hint}"], path=labdir)
    _refuse_inside_repository(labdir, "--config-dir")
    return labdir.resolve()
