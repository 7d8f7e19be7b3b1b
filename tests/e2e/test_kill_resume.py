"""SIGKILL the workflow at 5 seeded random points; every resume gives the uninterrupted run's results.

The tiny run (tests/data/kill_resume: 333 read pairs on a 20 kb BRCA1 slice, minimap2) takes ~30 s here;
the whole test ~5 min on 2 cores. benchmarks/kill_resume.py runs the same loop at 20 points.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.crashtest import fingerprint, loop, prepare_workdir

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_kill_at_random_points_then_resume_gives_identical_results(tmp_path: Path) -> None:
    wf = prepare_workdir(
        REPO,
        REPO / "tests" / "data" / "kill_resume",
        REPO / "tests" / "data" / "brca1_slice" / "brca1_slice.fa",
        tmp_path / "pristine",
    )
    run_s, trials = loop(wf, tmp_path, n=5, seed=20261122)
    expected = fingerprint(tmp_path / "baseline")
    assert any(k.endswith("annotated.vcf.gz") for k in expected), expected
    assert (tmp_path / "baseline" / "results" / "SLICE01" / "manifest.json").is_file()
    report = [f"{t.kill_after_s:.2f}s killed={t.killed} rc={t.resume_rc} {t.differences[:3]}" for t in trials]
    assert all(t.killed for t in trials), report
    assert all(t.identical for t in trials), report
    # spread over the run, scale-free (the points are drawn from the uninterrupted run's own duration, so a
    # faster machine moves them all earlier): 5 different points covering at least a quarter of the run
    points = [t.kill_after_s for t in trials]
    assert len(set(points)) == 5 and max(points) - min(points) >= 0.25 * run_s, (run_s, report)
