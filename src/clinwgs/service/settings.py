"""Service settings from the environment (``CLINWGS_*``, ``DATABASE_URL``); refuses default secrets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from clinwgs.errors import ConfigError

DEV_TOKEN_PEPPER = "dev-only-token-pepper-change-me"


def xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


class Settings(BaseSettings):
    """Record-service settings. ``DATABASE_URL`` wins; otherwise a SQLite (WAL) file under ``data_dir``."""

    model_config = SettingsConfigDict(env_prefix="CLINWGS_", extra="ignore")

    environment: Literal["dev", "test", "production"] = "dev"
    # outside any checkout, so patient identifiers can never be committed by accident
    data_dir: Path = Field(default_factory=lambda: xdg_data_home() / "clinwgs" / "service")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    token_pepper: str = DEV_TOKEN_PEPPER
    audit_read_events: bool = True
    # request bodies above this are refused with 413 before they are read further (a report Bundle with a
    # PDF in presentedForm is ~0.2-5 MB)
    max_request_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    # any one text value in a published Bundle (conclusion, notes, ...), PDF attachment data excepted
    max_text_chars: int = Field(default=65_536, ge=256)
    # absolute base of fullUrl values in search results (behind a proxy); default: the request's own base
    public_base_url: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" and self.token_pepper == DEV_TOKEN_PEPPER:
            raise ConfigError(
                ["CLINWGS_TOKEN_PEPPER is the development default; set a secret value in production"]
            )
        if self.environment == "production" and len(self.token_pepper) < 32:
            raise ConfigError(["CLINWGS_TOKEN_PEPPER must be at least 32 characters in production"])
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'records.sqlite3').resolve()}"
