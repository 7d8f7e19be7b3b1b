"""The snapshot comparison itself: volatile fields masked, a changed clinical field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.snapshots import MASK, check_snapshot, masked

DOC = {
    "sample_id": "PC001",
    "created": "2026-12-07T02:00:00+00:00",
    "findings": [{"gene": "BRCA1", "hgvs_c": "c.68_69del", "tier": "1"}],
    "entry": [{"fullUrl": "urn:uuid:0b6f5a0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "resource": {"id": "x"}}],
    "manifest_sha256": "ab" * 32,
}


def test_volatile_fields_are_masked_and_clinical_ones_kept() -> None:
    flat = masked(DOC)
    assert flat["created"] == MASK and flat["entry[0].fullUrl"] == MASK and flat["manifest_sha256"] == MASK
    assert flat["findings[0].hgvs_c"] == "c.68_69del" and flat["sample_id"] == "PC001"


def test_a_changed_clinical_field_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = tmp_path / "snap.json"
    monkeypatch.setenv("CLINWGS_UPDATE_SNAPSHOTS", "1")
    assert check_snapshot(DOC, stored) == []
    monkeypatch.delenv("CLINWGS_UPDATE_SNAPSHOTS")
    other = {**DOC, "created": "2027-01-01T00:00:00+00:00"}
    assert check_snapshot(other, stored) == []  # only a volatile field moved
    changed = {**DOC, "findings": [{"gene": "BRCA1", "hgvs_c": "c.68_69delAG", "tier": "2"}]}
    diff = check_snapshot(changed, stored)
    assert diff == [
        "changed   findings[0].hgvs_c: 'c.68_69del' -> 'c.68_69delAG'",
        "changed   findings[0].tier: '1' -> '2'",
    ]


def test_a_missing_snapshot_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINWGS_UPDATE_SNAPSHOTS", raising=False)
    assert check_snapshot(DOC, tmp_path / "absent.json")
