"""Per-step cost table from a run's Snakemake timing files (benchmarks/genome_scale.sh, docs/BENCHMARKS.md).

Every rule writes ``logs/timings/<rule>/<name>.tsv`` (clinwgs.core.layout.timings): a header line and one row
per run of the job, with the job's wall seconds (``s``), peak resident memory in MB (``max_rss``) and CPU
seconds (``cpu_time``, user + system of the job's processes). The last row of each file is the job's latest
run. Jobs of one rule are summed (seconds, CPU) or maximised (peak RSS); CPU is then normalised by the Mb of
sequence and the read pairs the run processed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from clinwgs.core.errors import ClinwgsError


@dataclass(frozen=True)
class StepCost:
    rule: str
    jobs: int
    wall_s: float  # summed over the rule's jobs (jobs may have run at the same time)
    cpu_s: float
    max_rss_mb: float | None  # the largest of the rule's jobs; None when no job reported one


def _number(text: str | None) -> float | None:
    if text is None or text.strip() in ("", "-", "NA"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _last_row(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if not rows or "s" not in rows[-1]:
        raise ClinwgsError("not a Snakemake timing file (no header with column 's', or no row)", path=path)
    return rows[-1]


def read_step_costs(timings_dir: Path) -> list[StepCost]:
    """One StepCost per rule folder under ``timings_dir`` (normally logs/timings), in rule-name order."""
    if not timings_dir.is_dir():
        raise ClinwgsError("no timing folder (has the workflow run here?)", path=timings_dir)
    costs = []
    for rule_dir in sorted(p for p in timings_dir.iterdir() if p.is_dir()):
        files = sorted(rule_dir.rglob("*.tsv"))
        if not files:
            continue
        wall = cpu = 0.0
        rss: list[float] = []
        for path in files:
            row = _last_row(path)
            wall += _number(row.get("s")) or 0.0
            cpu += _number(row.get("cpu_time")) or 0.0
            peak = _number(row.get("max_rss"))
            if peak is not None:
                rss.append(peak)
        costs.append(StepCost(rule_dir.name, len(files), wall, cpu, max(rss) if rss else None))
    return costs


def step_table(costs: list[StepCost], megabases: float, pairs: int) -> str:
    """Markdown table: per rule, jobs, summed wall and CPU seconds, CPU-s per Mb, CPU-µs per read pair and
    peak RSS; a last row with the totals (peak RSS: the largest job)."""
    if megabases <= 0 or pairs <= 0:
        raise ClinwgsError(f"megabases ({megabases}) and read pairs ({pairs}) must be positive")
    lines = [
        "| step (rule) | jobs | wall s (sum) | CPU s | CPU s per Mb | CPU µs per read pair | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(name: str, jobs: int, wall: float, cpu: float, rss: float | None) -> str:
        peak = f"{rss:,.0f}" if rss is not None else "-"
        return (
            f"| {name} | {jobs} | {wall:,.1f} | {cpu:,.1f} | {cpu / megabases:,.2f} | "
            f"{cpu / pairs * 1e6:,.1f} | {peak} |"
        )

    for c in sorted(costs, key=lambda c: -c.cpu_s):
        lines.append(row(c.rule, c.jobs, c.wall_s, c.cpu_s, c.max_rss_mb))
    peaks = [c.max_rss_mb for c in costs if c.max_rss_mb is not None]
    lines.append(
        row(
            "**all steps**",
            sum(c.jobs for c in costs),
            sum(c.wall_s for c in costs),
            sum(c.cpu_s for c in costs),
            max(peaks) if peaks else None,
        )
    )
    return "\n".join(lines)
