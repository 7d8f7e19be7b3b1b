"""NHS number modulus 11, settings refusing default secrets, migrations matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clinwgs.core.errors import ConfigError
from clinwgs.service.db import make_engine, migrate
from clinwgs.service.models import Base
from clinwgs.service.nhs import is_valid_nhs_number
from clinwgs.service.seed import synthetic_nhs_number
from clinwgs.service.settings import Settings


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "9990000018"])
def test_valid_nhs_numbers(number: str) -> None:
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "abcdefghij", "", "9990000010"])
def test_invalid_nhs_numbers(number: str) -> None:
    assert not is_valid_nhs_number(number)


def test_check_digit_ten_means_invalid() -> None:
    # 999000003?: weighted sum 9*10+9*9+9*8+3*2 = 249, 249 % 11 = 7 -> check 4, so scan for a "10" case
    bodies = [f"{n:09d}" for n in range(100_000_000, 100_000_200)]
    from clinwgs.service.nhs import nhs_check_digit

    tens = [b for b in bodies if nhs_check_digit(b) is None]
    assert tens and all(not is_valid_nhs_number(b + d) for b in tens for d in "0123456789")


def test_synthetic_numbers_are_valid_and_in_the_test_range() -> None:
    numbers = [synthetic_nhs_number(i) for i in range(5)]
    assert len(set(numbers)) == 5 and all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)


def test_production_refuses_the_default_pepper() -> None:
    with pytest.raises(ConfigError, match="CLINWGS_TOKEN_PEPPER"):
        Settings(environment="production", audit_key="k" * 40)
    assert (
        Settings(environment="production", token_pepper="x" * 40, audit_key="k" * 40).token_pepper == "x" * 40
    )
    assert Settings(environment="dev").environment == "dev"


@pytest.mark.parametrize(
    ("environment", "key", "message"),
    [
        ("production", None, "CLINWGS_AUDIT_KEY is not set"),
        ("test", None, "CLINWGS_AUDIT_KEY is not set"),
        ("production", "short", "at least 32 characters"),
        ("production", "x" * 40, "must differ from CLINWGS_TOKEN_PEPPER"),
    ],
)
def test_the_audit_key_has_no_default(environment: str, key: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings(environment=environment, token_pepper="x" * 40, audit_key=key)  # type: ignore[arg-type]


def test_dev_generates_one_audit_key_per_data_directory(tmp_path: Path) -> None:
    first = Settings(environment="dev", data_dir=tmp_path / "a").resolved_audit_key()
    assert Settings(environment="dev", data_dir=tmp_path / "a").resolved_audit_key() == first  # kept
    assert Settings(environment="dev", data_dir=tmp_path / "b").resolved_audit_key() != first
    assert len(first) == 64 and (tmp_path / "a" / "audit.key").stat().st_mode & 0o777 == 0o600


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().resolved_database_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert Settings(data_dir="/x").resolved_database_url() == "sqlite:////x/records.sqlite3"


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_default_database_lives_outside_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLINWGS_DATA_DIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert Settings().resolved_database_url() == f"sqlite:///{tmp_path}/clinwgs/service/records.sqlite3"
