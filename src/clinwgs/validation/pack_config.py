"""The validation pack's configuration (config/validation.yaml): what to run and the acceptance thresholds."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clinwgs.core.errors import ConfigError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkflowSettings(Strict):
    base_config: Path
    aligner: Literal["bwa", "minimap2"] = "bwa"
    caller: Literal["bcftools", "freebayes"] = "bcftools"
    cores: int = Field(2, ge=1)
    bare_caller_check: bool = True


class GiabSettings(Strict):
    sample_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
    bundle: str
    sex: Literal["female", "male", "unknown"] = "unknown"
    fq1: Path
    fq2: Path


class ControlSettings(Strict):
    sample_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
    bundle: str
    sex: Literal["female", "male", "unknown"] = "unknown"
    variants: Path
    region: str = Field(pattern=r"^[^:\s]+:[0-9]+-[0-9]+$")
    edge_bp: int = Field(500, ge=0)
    depth: int = Field(30, ge=1)
    seed: int = 1


class Rates(Strict):
    precision: float = Field(ge=0, le=1)
    recall: float = Field(ge=0, le=1)
    f1: float = Field(ge=0, le=1)


class GiabThresholds(Strict):
    snv: Rates
    indel: Rates


class ControlThresholds(Strict):
    sensitivity: dict[str, float]
    precision: float = Field(ge=0, le=1)


class Thresholds(Strict):
    giab: GiabThresholds
    controls: ControlThresholds
    max_abs_delta_f1: float = Field(0.0, ge=0)


class ValidationConfig(Strict):
    output_dir: Path
    workflow: WorkflowSettings
    giab: GiabSettings
    controls: ControlSettings
    thresholds: Thresholds

    def resolve(self, root: Path) -> ValidationConfig:
        """Paths made absolute against ``root`` (the repository root)."""
        return self.model_copy(update={
            "output_dir": root / self.output_dir,
            "workflow": self.workflow.model_copy(update={"base_config": root / self.workflow.base_config}),
            "giab": self.giab.model_copy(update={"fq1": root / self.giab.fq1, "fq2": root / self.giab.fq2}),
            "controls": self.controls.model_copy(update={"variants": root / self.controls.variants}),
        })


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (plain safe_load silently keeps the last one)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[object, object]:
    keys = [loader.construct_object(k) for k, _ in node.value]
    duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
    if duplicates:
        raise yaml.YAMLError(f"duplicate key(s) {', '.join(duplicates)} near line {node.start_mark.line + 1}")
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_validation_config(path: Path) -> ValidationConfig:
    """Parse and check config/validation.yaml; every problem names the file and the key."""
    try:
        data = yaml.load(path.read_text(), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"cannot read: {exc}"], path=path) from exc
    try:
        return ValidationConfig.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError(problems, path=path) from None
