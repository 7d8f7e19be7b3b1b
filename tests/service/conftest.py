"""Fixtures for the record service, parametrised over SQLite (WAL) and a real PostgreSQL 15."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from clinwgs.service.app import create_app
from clinwgs.service.auth import create_token
from clinwgs.service.db import Database
from clinwgs.service.main import BackgroundService, start_background
from clinwgs.service.pgtemp import pg_available, postgres_server
from clinwgs.service.registration import RegistrationIn, register
from clinwgs.service.seed import DEMO_ODS, demo_patient
from clinwgs.service.settings import Settings

OTHER_ODS = "ROTHER2"
USERS = {
    "pipeline": ("pipeline", "LABDEMO"),
    "checker": ("clinician", DEMO_ODS),
    "authoriser": ("clinician", DEMO_ODS),
    "outsider": ("clinician", OTHER_ODS),
    "auditor": ("auditor", DEMO_ODS),
}


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if not pg_available():
        pytest.skip("PostgreSQL 15 binaries not installed (apt-get install postgresql)")
    with postgres_server() as url:
        yield url


def _fresh_pg_database(server_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite3'}"
    return _fresh_pg_database(request.getfixturevalue("pg_url"))


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


def _harness(db: Database, settings: Settings) -> Harness:
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


@pytest.fixture
def service(database_url: str) -> Iterator[Harness]:
    """In-process app (TestClient) on a fresh database with two patients: DEMO_ODS and OTHER_ODS."""
    settings = Settings(environment="test", database_url=database_url)
    app = create_app(settings)
    harness = _harness(app.state.db, settings)
    with TestClient(app) as client:
        harness.client = client
        yield harness
    app.state.db.engine.dispose()


@pytest.fixture
def live_service(database_url: str) -> Iterator[Harness]:
    """A real uvicorn server on 127.0.0.1 (random port) on a fresh database."""
    settings = Settings(environment="test", database_url=database_url)
    live = start_background(port=0, settings=settings)
    harness = _harness(live.db, settings)
    harness.live = live
    yield harness
    live.stop()


def samples_by_ods(harness: Harness) -> dict[str, str]:
    return {data.ods_code: sid for sid, data in harness.samples.items()}


def json_of(response: Any) -> Any:
    return response.json()
