"""Shared helpers for the record-service tests: the harness, report bundles, results trees, leak scan."""

from __future__ import annotations

import contextlib
import gzip
import json
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from clinwgs.fhir import build_report_bundle
from clinwgs.service.auth import create_token
from clinwgs.service.db import Database
from clinwgs.service.main import BackgroundService
from clinwgs.service.registration import RegistrationIn, register
from clinwgs.service.seed import DEMO_ODS, demo_patient
from clinwgs.service.settings import Settings
from tests.support.synthetic import example_findings

PDF = b"%PDF-1.4\n% clinwgs test report\n"


def make_settings(tmp_path: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    """Settings for a test service: its own data directory (checkpoints, keys) under ``tmp_path``."""
    data_dir = tmp_path / "service-data"
    url = database_url or f"sqlite:///{data_dir / 'records.sqlite3'}"
    overrides.setdefault(
        "audit_key", secrets.token_hex(32)
    )  # a fresh secret per test service, never a default
    return Settings(environment="test", database_url=url, data_dir=data_dir, **overrides)


def bundle_for(sample_id: str, n_variants: int = 3, variant: int = 0) -> dict[str, Any]:
    """A report bundle; ``variant`` changes generated_at so the content (and hash) differs."""
    findings = example_findings(sample_id, n_variants)
    if variant:
        findings = findings.model_copy(
            update={"generated_at": datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=variant)}
        )
    return build_report_bundle(findings, PDF, "ab" * 32)


def identifier_strings(nhs_number: str, family_name: str, birth_date: date) -> list[str]:
    """Every spelling of a patient's identifiers that a leak could take."""
    n = nhs_number
    return [
        n,
        f"{n[:3]} {n[3:6]} {n[6:]}",
        f"{n[:3]}-{n[3:6]}-{n[6:]}",
        family_name,
        family_name.lower(),
        birth_date.isoformat(),
        birth_date.strftime("%d-%b-%Y"),
        birth_date.strftime("%d/%m/%Y"),
        birth_date.strftime("%Y%m%d"),
    ]


def _contents(path: Path) -> bytes:
    if path.suffix in {".bam", ".cram", ".bai", ".crai", ".csi"} or path.stat().st_size > 50_000_000:
        return b""
    data = path.read_bytes()
    if path.suffix in {".gz", ".bgz"}:
        with contextlib.suppress(OSError, EOFError):  # plain .gz and BGZF both decompress; others skipped
            data += gzip.decompress(data)
    return data


def find_identifier_leaks(root: Path, needles: list[str]) -> list[str]:
    """Paths under ``root`` whose name or (decompressed) content contains any needle."""
    hits = []
    encoded = [(n, n.encode()) for n in needles]
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        hits += [f"{rel}: name contains {n!r}" for n, _ in encoded if n in rel]
        if path.is_file() and not path.is_symlink():
            data = _contents(path)
            hits += [f"{rel}: content contains {n!r}" for n, b in encoded if b in data]
    return hits


def make_results(root: Path, sample: str, *, blocked: bool = False) -> Path:
    """A results/<sample> tree as the interpret, report and provenance stages leave it (findings.json, PDF,
    manifest.json)."""
    findings = example_findings(sample, 3)
    if blocked:
        findings = findings.model_copy(update={"release_blocked": True, "release_blockers": ["sex mismatch"]})
    (root / sample / "interpret").mkdir(parents=True)
    (root / sample / "report").mkdir(parents=True)
    (root / sample / "interpret" / "findings.json").write_text(findings.model_dump_json(indent=2))
    (root / sample / "report" / f"{sample}.report.pdf").write_bytes(PDF)
    # the provenance stage's manifest: publish only hashes it (the FHIR Provenance entity)
    (root / sample / "manifest.json").write_text(json.dumps({"sample": sample, "outputs": []}))
    (root / sample / "vcf").mkdir()
    (root / sample / "vcf" / f"{sample}.annotated.vcf.gz").write_bytes(
        gzip.compress(b"##fileformat=VCFv4.2\n")
    )
    return root


OTHER_ODS = "ROTHER2"
USERS = {
    "pipeline": ("pipeline", "LABDEMO"),
    "checker": ("clinician", DEMO_ODS),
    "authoriser": ("clinician", DEMO_ODS),
    "outsider": ("clinician", OTHER_ODS),
    "auditor": ("auditor", DEMO_ODS),
}


@dataclass
class Harness:
    """The app, its database, tokens per test user and the registered test patients' sample IDs."""

    db: Database
    settings: Settings
    tokens: dict[str, str]
    samples: dict[str, RegistrationIn] = field(default_factory=dict)
    client: TestClient | None = None
    live: BackgroundService | None = None

    def auth(self, user: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **extra}

    def register(self, data: RegistrationIn) -> str:
        with self.db.write() as session:
            sample_id = register(session, data).sample_id
        self.samples[sample_id] = data
        return sample_id


def harness_for(db: Database, settings: Settings) -> Harness:
    with db.write() as session:
        tokens = {
            u: create_token(session, user=u, role=r, ods_code=o, pepper=settings.token_pepper)  # type: ignore[arg-type]
            for u, (r, o) in USERS.items()
        }
    harness = Harness(db=db, settings=settings, tokens=tokens)
    harness.register(demo_patient(0))
    other = demo_patient(1).model_copy(update={"ods_code": OTHER_ODS})
    harness.register(other)
    return harness


def samples_by_ods(harness: Harness) -> dict[str, str]:
    return {data.ods_code: sid for sid, data in harness.samples.items()}


def dead_url() -> str:
    """A localhost URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
