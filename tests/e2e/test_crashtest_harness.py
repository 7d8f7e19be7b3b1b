"""Kill-and-resume harness pieces that need no workflow run."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.support.crashtest import compare, fingerprint, kill_points


def test_fingerprint_sees_a_changed_variant_record(tmp_path: Path) -> None:
    vcf = tmp_path / "results" / "S1" / "vcf" / "S1.annotated.vcf.gz"
    vcf.parent.mkdir(parents=True)
    vcf.write_bytes(gzip.compress(b"##fileformat=VCFv4.2\nchr1\t10\t.\tA\tG\t50\tPASS\t.\n"))
    before = fingerprint(tmp_path)
    vcf.write_bytes(gzip.compress(b"##fileformat=VCFv4.2\n##date=later\nchr1\t10\t.\tA\tG\t50\tPASS\t.\n"))
    assert compare(before, fingerprint(tmp_path)) == []  # headers (dates, command lines) are not compared
    vcf.write_bytes(gzip.compress(b"##fileformat=VCFv4.2\nchr1\t10\t.\tA\tT\t50\tPASS\t.\n"))
    assert compare(before, fingerprint(tmp_path)) == ["differs after resume: S1/vcf/S1.annotated.vcf.gz"]


def test_kill_points_are_seeded_and_spread_over_the_run() -> None:
    points = kill_points(5, seed=3, run_s=30.0)
    assert points == kill_points(5, seed=3, run_s=30.0) != kill_points(5, seed=4, run_s=30.0)
    assert points == sorted(points) and 0.5 <= points[0] < 6.0 and 21.0 < points[-1] <= 27.0


def test_fingerprint_ignores_timestamps_in_findings(tmp_path: Path) -> None:
    doc = tmp_path / "results" / "S1" / "interpret" / "findings.json"
    doc.parent.mkdir(parents=True)
    doc.write_text('{"generated_at": "2026-01-01T10:00:00Z", "findings": [{"gene": "BRCA1"}]}')
    before = fingerprint(tmp_path)
    doc.write_text('{"generated_at": "2026-02-02T11:11:11Z", "findings": [{"gene": "BRCA1"}]}')
    assert compare(before, fingerprint(tmp_path)) == []
    doc.write_text('{"generated_at": "2026-02-02T11:11:11Z", "findings": [{"gene": "BRCA2"}]}')
    assert compare(before, fingerprint(tmp_path)) == ["differs after resume: S1/interpret/findings.json"]
