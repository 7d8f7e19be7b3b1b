"""The per-step cost table read from hand-made Snakemake timing files."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.core.errors import ClinwgsError
from clinwgs.ops.steptable import read_step_costs, step_table

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _timing(path: Path, *rows: tuple[float, str, float]) -> None:
    """rows: (s, max_rss, cpu_time), one per run of the job (the last one counts)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{s}\t0:00:00\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n" for s, rss, cpu in rows)
    path.write_text(HEADER + body)


def test_costs_sum_per_rule_take_the_last_run_and_the_largest_rss(tmp_path: Path) -> None:
    t = tmp_path / "timings"
    _timing(t / "align_reads" / "S1.L001.tsv", (999.0, "9999", 999.0), (100.0, "2048.5", 190.0))
    _timing(t / "call_variants" / "S1" / "0000.tsv", (10.0, "300", 9.0))
    _timing(t / "call_variants" / "S1" / "0001.tsv", (12.0, "350", 11.5))
    _timing(t / "publish_report" / "S1.tsv", (1.0, "NA", 0.5))
    (t / "empty_rule").mkdir()
    costs = {c.rule: c for c in read_step_costs(t)}
    assert sorted(costs) == ["align_reads", "call_variants", "publish_report"]
    align = costs["align_reads"]
    assert (align.jobs, align.wall_s, align.cpu_s, align.max_rss_mb) == (1, 100.0, 190.0, 2048.5)
    call = costs["call_variants"]
    assert (call.jobs, call.wall_s, call.cpu_s, call.max_rss_mb) == (2, 22.0, 20.5, 350.0)
    assert costs["publish_report"].max_rss_mb is None


def test_table_normalises_cpu_by_megabase_and_pair(tmp_path: Path) -> None:
    t = tmp_path / "timings"
    _timing(t / "align_reads" / "S1.L001.tsv", (100.0, "2048", 200.0))
    _timing(t / "call_variants" / "S1" / "0000.tsv", (10.0, "300", 20.0))
    lines = step_table(read_step_costs(t), megabases=10.0, pairs=1_000_000).splitlines()
    # align: 200 CPU-s / 10 Mb = 20.00; 200 / 1e6 pairs = 200.0 µs; sorted by CPU, totals last
    assert lines[2] == "| align_reads | 1 | 100.0 | 200.0 | 20.00 | 200.0 | 2,048 |"
    assert lines[3] == "| call_variants | 1 | 10.0 | 20.0 | 2.00 | 20.0 | 300 |"
    assert lines[4] == "| **all steps** | 2 | 110.0 | 220.0 | 22.00 | 220.0 | 2,048 |"


def test_refuses_a_file_that_is_not_a_timing_file_and_a_missing_folder(tmp_path: Path) -> None:
    bad = tmp_path / "timings" / "rule" / "x.tsv"
    bad.parent.mkdir(parents=True)
    bad.write_text("no\theader\n")
    with pytest.raises(ClinwgsError, match="x.tsv"):
        read_step_costs(tmp_path / "timings")
    with pytest.raises(ClinwgsError, match="no timing folder"):
        read_step_costs(tmp_path / "absent")
    with pytest.raises(ClinwgsError, match="must be positive"):
        step_table([], 0.0, 1)
