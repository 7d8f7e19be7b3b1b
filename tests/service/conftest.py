"""Fixtures for the record service, parametrised over SQLite (WAL) and a real PostgreSQL 15."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from clinwgs.service.app import create_app
from clinwgs.service.main import start_background
from tests.service.service_support import Harness, harness_for, make_settings
from tests.support.pgtemp import pg_available, postgres_server
from tests.support.tools import require


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    require(pg_available(), "PostgreSQL server binaries (apt-get install postgresql)")
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


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    """In-process app (TestClient) on a fresh database with two patients: DEMO_ODS and OTHER_ODS."""
    settings = make_settings(tmp_path, database_url)
    app = create_app(settings)
    harness = harness_for(app.state.db, settings)
    with TestClient(app) as client:
        harness.client = client
        yield harness
    app.state.db.engine.dispose()


@pytest.fixture
def live_service(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    """A real uvicorn server on 127.0.0.1 (random port) on a fresh database."""
    settings = make_settings(tmp_path, database_url)
    live = start_background(port=0, settings=settings)
    harness = harness_for(live.db, settings)
    harness.live = live
    yield harness
    live.stop()
