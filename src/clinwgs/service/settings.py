"""Service settings from the environment (``CLINWGS_*``, ``DATABASE_URL``); refuses default secrets."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from clinwgs.core.errors import ConfigError

DEV_TOKEN_PEPPER = "dev-only-token-pepper-change-me"


def source_report_templates() -> Path:
    """The checkout's ``reports/`` folder (templates/, report.css, methods.yaml), for a source or editable
    install; an installed service sets ``CLINWGS_REPORT_TEMPLATES`` to the lab's copy."""
    return Path(__file__).resolve().parents[3] / "reports"


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
    # HMAC key of the audit chain and its checkpoints. Held outside the database (environment or a secrets
    # manager), so whoever owns the database cannot rewrite the chain. No default: production and test refuse
    # to start without one; dev (the demo, a laptop) generates one per data directory (``audit.key``, 0600).
    audit_key: str | None = None
    # signed checkpoints (head sequence number + hash), appended every N events and at start-up and shutdown;
    # keep this file where the database owner cannot write (another host, WORM storage)
    audit_checkpoint_file: Path | None = None
    audit_checkpoint_every: int = Field(default=100, ge=1)
    # lifetime of a new API token; ``clinwgs serve token create --days N`` overrides it per token
    token_ttl_days: int = Field(default=90, ge=1, le=3650)
    # the report sources (the pipeline's `report: templates:` folder) the signed report is rendered from at
    # authorisation; the service refuses to start when they are missing
    report_templates: Path = Field(default_factory=source_report_templates)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production" and self.token_pepper == DEV_TOKEN_PEPPER:
            raise ConfigError(
                ["CLINWGS_TOKEN_PEPPER is the development default; set a secret value in production"]
            )
        if self.environment == "production" and len(self.token_pepper) < 32:
            raise ConfigError(["CLINWGS_TOKEN_PEPPER must be at least 32 characters in production"])
        if self.environment != "dev" and not self.audit_key:
            raise ConfigError(
                [f"CLINWGS_AUDIT_KEY is not set; the {self.environment} service needs a secret audit key"]
            )
        if self.environment == "production" and self.audit_key is not None:
            if len(self.audit_key) < 32:
                raise ConfigError(["CLINWGS_AUDIT_KEY must be at least 32 characters in production"])
            if self.audit_key == self.token_pepper:
                raise ConfigError(["CLINWGS_AUDIT_KEY must differ from CLINWGS_TOKEN_PEPPER"])
        return self

    def resolved_audit_key(self) -> bytes:
        """The audit HMAC key: ``CLINWGS_AUDIT_KEY``, or in dev only a random key generated once per data
        directory (``<data_dir>/audit.key``, mode 0600) so a demo's chain verifies across restarts."""
        if self.audit_key:
            return self.audit_key.encode()
        if self.environment != "dev":
            raise ConfigError([f"CLINWGS_AUDIT_KEY is not set (environment {self.environment})"])
        path = self.data_dir / "audit.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
        key = path.read_text().strip()
        if len(key) < 32:
            raise ConfigError([f"{path}: the generated audit key is damaged; restore it from a backup"])
        return key.encode()

    def checked_report_templates(self) -> Path:
        """``report_templates``, once it holds what rendering needs (else a ConfigError naming the file)."""
        needed = ("methods.yaml", "report.css", "templates/report.html.j2")
        missing = [name for name in needed if not (self.report_templates / name).is_file()]
        if missing:
            raise ConfigError(
                [
                    f"CLINWGS_REPORT_TEMPLATES={self.report_templates}: {', '.join(missing)} not found; "
                    "point it at the reports/ folder the pipeline renders with"
                ]
            )
        return self.report_templates

    def resolved_checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'records.sqlite3').resolve()}"
