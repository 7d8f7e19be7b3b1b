"""``clinwgs status``: each sample's turnaround against the GMS 7-10 day target, samples at risk first.

Stages and where their timestamps come from (the record service wins where it knows the stage):

============== ===================================================================================
received       record service ``test_requests.received_at``; else the newest mtime of the sample's
               input files in units.tsv (the data arrived then; labelled ``input files``)
started        record service (start of the analysis period a published report carries); else the
               earliest step start in ``logs/timings`` (``clinwgs.provenance.steps``)
finished       record service (end of that period); else ``results/<s>/manifest.json`` ``created_at``
reported       record service first report version ``created_at``; else ``published_at`` of a
               ``publish/receipt.json`` saying ``published: true`` ("not published" is not a report)
authorised     record service ``authorised_at`` of the newest report version
============== ===================================================================================

Each stage has a milestone measured from receipt (``MILESTONE_DAYS``): a sample is *at risk* as soon as one
pending milestone is overdue, *breached* past the 10-day limit. Times are UTC.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from clinwgs.core import layout
from clinwgs.core.errors import ConfigError
from clinwgs.provenance.steps import read_steps

STAGES = ("received", "started", "finished", "reported", "authorised")
TARGET_DAYS = 7.0
LIMIT_DAYS = 10.0
# Latest day (after receipt) by which each stage should be reached for the 7-day target.
DEFAULT_UNITS = Path("config/units.tsv")
NOT_SAMPLES = layout.NOT_SAMPLES  # results/ folders that are not samples
MILESTONE_DAYS = {"started": 1.0, "finished": 2.0, "reported": 5.0, "authorised": TARGET_DAYS}


class State(StrEnum):
    BREACHED = "breached"  # open and past the 10-day limit, or authorised after it
    AT_RISK = "at risk"  # open and a milestone is overdue (or past 7 days)
    ON_TRACK = "on track"
    DONE_LATE = "done, late"  # authorised between 7 and 10 days
    DONE = "done"  # authorised within 7 days
    UNKNOWN = "no receipt time"


ORDER = [State.BREACHED, State.AT_RISK, State.UNKNOWN, State.ON_TRACK, State.DONE_LATE, State.DONE]


@dataclass
class Timeline:
    sample: str
    times: dict[str, datetime] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, stage: str, when: datetime | None, source: str) -> None:
        if when is not None and stage not in self.times:
            self.times[stage] = when.astimezone(UTC)
            self.sources[stage] = source


@dataclass(frozen=True)
class Assessment:
    timeline: Timeline
    state: State
    elapsed_days: float | None
    overdue: tuple[str, ...]
    days_left: float | None  # to the 7-day target; negative when past it


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400.0


def assess(timeline: Timeline, now: datetime) -> Assessment:
    received = timeline.times.get("received")
    if received is None:
        return Assessment(timeline, State.UNKNOWN, None, (), None)
    end = timeline.times.get("authorised", now)
    elapsed = _days(end - received)
    days_left = TARGET_DAYS - elapsed
    if "authorised" in timeline.times:
        late = State.DONE_LATE if elapsed <= LIMIT_DAYS else State.BREACHED
        state = State.DONE if elapsed <= TARGET_DAYS else late
        return Assessment(timeline, state, elapsed, (), days_left)
    overdue = tuple(s for s, due in MILESTONE_DAYS.items() if s not in timeline.times and elapsed > due)
    state = State.BREACHED if elapsed > LIMIT_DAYS else State.AT_RISK if overdue else State.ON_TRACK
    return Assessment(timeline, state, elapsed, overdue, days_left)


def ranked(assessments: list[Assessment]) -> list[Assessment]:
    """At-risk samples first: by state, then least time left to the target, then sample ID."""

    def key(a: Assessment) -> tuple[int, float, str]:
        return ORDER.index(a.state), a.days_left if a.days_left is not None else 0.0, a.timeline.sample

    return sorted(assessments, key=key)


# ---- sources ---------------------------------------------------------------------------------------------


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def aware_utc(when: datetime) -> datetime:
    """SQLite hands back naive datetimes: the service stores UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_iso(text: str) -> datetime:
    return aware_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def samples_in_results(results: Path) -> list[str]:
    if not results.is_dir():
        return []
    return sorted(p.name for p in results.iterdir() if p.is_dir() and p.name not in NOT_SAMPLES)


def input_files(units_tsv: Path) -> dict[str, list[Path]]:
    """sample -> its input files (fq1, fq2, bam) as listed in units.tsv, relative to the working directory."""
    if not units_tsv.is_file():
        raise ConfigError([f"units sheet {units_tsv} not found"], path=units_tsv)
    files: dict[str, list[Path]] = {}
    with units_tsv.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            paths = [row.get(k) or "" for k in ("fq1", "fq2", "bam")]
            files.setdefault(row["sample_id"], []).extend(Path(p) for p in paths if p)
    return files


def add_results_times(timeline: Timeline, results: Path, timings: Path, inputs: list[Path]) -> None:
    present = [p for p in inputs if p.is_file()]
    if present:
        timeline.set("received", max(_mtime(p) for p in present), "input files")
    starts = [s["start"] for s in read_steps(timings, timeline.sample) if s.get("start")]
    if starts:
        timeline.set("started", parse_iso(min(starts)), "step timings")
    manifest = Path(layout.manifest(timeline.sample, str(results)))
    if manifest.is_file():
        created = json.loads(manifest.read_text()).get("created_at")
        timeline.set("finished", parse_iso(created) if created else _mtime(manifest), "manifest.json")
    receipt = Path(layout.receipt(timeline.sample, str(results)))
    if receipt.is_file():
        # only a report that reached the record counts: a "not published" receipt (service down, release
        # blocked) leaves the sample unreported, so its milestone can fall overdue and be listed at risk
        answer = json.loads(receipt.read_text() or "{}")
        if answer.get("published") is True:
            when = answer.get("published_at")
            timeline.set("reported", parse_iso(when) if when else _mtime(receipt), "publish receipt")


def collect(
    results: Path,
    timings: Path,
    units_tsv: Path | None,
    from_service: dict[str, dict[str, datetime]] | None = None,
) -> list[Timeline]:
    """Timelines of every sample in results/, the unit sheet or the record service (``from_service``: stage
    times per sample, as ``clinwgs.service.turnaround.service_times`` reads them)."""
    from_service = from_service or {}
    inputs = input_files(units_tsv) if units_tsv is not None else {}
    samples = sorted(set(samples_in_results(results)) | set(from_service) | set(inputs))
    timelines = []
    for sample in samples:
        timeline = Timeline(sample)
        for stage, when in from_service.get(sample, {}).items():
            timeline.set(stage, when, "record service")
        add_results_times(timeline, results, timings, inputs.get(sample, []))
        timelines.append(timeline)
    return timelines


# ---- output ----------------------------------------------------------------------------------------------


def _cell(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "-"


def as_table(assessments: list[Assessment]) -> str:
    header = ["sample", *STAGES, "days", "state", "overdue"]
    rows = [header]
    for a in assessments:
        days = f"{a.elapsed_days:.1f}" if a.elapsed_days is not None else "-"
        times = [_cell(a.timeline.times.get(s)) for s in STAGES]
        rows.append([a.timeline.sample, *times, days, a.state.value, ",".join(a.overdue) or "-"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def as_json(assessments: list[Assessment], now: datetime) -> str:
    return json.dumps(as_document(assessments, now), indent=2)


def as_document(assessments: list[Assessment], now: datetime) -> dict[str, Any]:
    """The turnaround of these samples as a JSON-ready document (``clinwgs status --json``, the service)."""
    records = [
        {
            "sample": a.timeline.sample,
            "state": a.state.value,
            "elapsed_days": None if a.elapsed_days is None else round(a.elapsed_days, 3),
            "days_left_to_target": None if a.days_left is None else round(a.days_left, 3),
            "overdue": list(a.overdue),
            "stages": {s: a.timeline.times[s].isoformat() for s in STAGES if s in a.timeline.times},
            "sources": a.timeline.sources,
        }
        for a in assessments
    ]
    return {"now": now.isoformat(), "target_days": TARGET_DAYS, "limit_days": LIMIT_DAYS, "samples": records}
