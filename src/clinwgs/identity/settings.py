"""The ``identity:`` section of config.yaml (every key optional; defaults explained in docs/validation.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clinwgs.core.errors import ConfigError


class ExpectedFingerprint(BaseModel):
    """Genotypes the sample must match, e.g. an earlier sample of the same patient (VCF with GT)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vcf: Path
    vcf_sample: str | None = None  # column in the VCF; default: the only one


class IdentitySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_base_quality: int = Field(20, ge=0)
    min_mapping_quality: int = Field(20, ge=0)
    # a genotype is called at a site only with at least this many reads and a likelihood ratio best/next of
    # at least 10**min_genotype_lod (1.3: 20-fold; 5 reads of one allele give 1.46)
    min_depth: int = Field(5, ge=1)
    min_genotype_lod: float = Field(1.3, ge=0)
    # a comparison needs this many sites called in both fingerprints, else "insufficient data"
    min_sites: int = Field(10, ge=1)
    # and, for a confirmed match, this many independent markers (LD groups of the panel) among them
    min_markers: int = Field(8, ge=1)
    match_max_discordance: float = Field(0.10, ge=0, le=1)
    mismatch_min_discordance: float = Field(0.25, ge=0, le=1)
    expected: dict[str, ExpectedFingerprint] = {}  # sample_id -> expected fingerprint
    # pairs of sample IDs known to be the same individual (repeat sample, monozygotic twins): reported, not
    # blocked, when their fingerprints match
    same_individual: list[tuple[str, str]] = []

    @model_validator(mode="after")
    def _ordered(self) -> IdentitySettings:
        if self.match_max_discordance >= self.mismatch_min_discordance:
            raise ValueError("match_max_discordance must be below mismatch_min_discordance")
        return self

    def acknowledged(self, a: str, b: str) -> bool:
        return any({a, b} == {x, y} for x, y in self.same_individual)


def load_identity_settings(config: dict[str, Any] | None) -> IdentitySettings:
    """Settings from the config's ``identity`` section; each bad key or value is one ConfigError line."""
    section = (config or {}).get("identity") or {}
    try:
        return IdentitySettings.model_validate(section)
    except ValidationError as exc:
        problems = [
            f"config identity.{'.'.join(str(p) for p in err['loc']) or '(section)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ConfigError(problems) from None
