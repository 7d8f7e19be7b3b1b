"""Each workflow step's start, end and host, read from the per-rule timing files.

Every rule declares ``benchmark: layout.timings(<rule>, "<sample>...")``, i.e.
``logs/timings/<rule>/<sample>....tsv`` (clinwgs.core.layout). Snakemake writes that file when
the job ends, with the job's wall time in column ``s``; the end time is the file's mtime and the start is
end - s. A rule may also write a one-line JSON step record (``<same path>.step.json``, keys ``start``,
``end``, ``host``) next to it; when present it wins, because it was written on the host that ran the job
(on SLURM that is the compute node, not the node that writes the manifest).
"""

from __future__ import annotations

import csv
import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _belongs_to(rel_parts: tuple[str, ...], sample: str) -> bool:
    """<timings>/<rule>/<sample>.tsv, <rule>/<sample>.<unit>.tsv or <rule>/<sample>/<chunk>.tsv."""
    if len(rel_parts) < 2:
        return False
    head = rel_parts[1]
    return head == sample or head.startswith(sample + ".")


def _from_timings(path: Path) -> dict[str, Any]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    seconds = float(rows[-1]["s"]) if rows and rows[-1].get("s") not in (None, "", "NA") else None
    end = path.stat().st_mtime
    return {
        "start": _iso(end - seconds) if seconds is not None else None,
        "end": _iso(end),
        "seconds": seconds,
        "max_rss_mb": _float(rows[-1].get("max_rss")) if rows else None,
        "host": socket.gethostname(),
        "host_source": "manifest writer (timing files carry no host)",
    }


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "-", "NA") else None
    except ValueError:
        return None


def read_steps(timings_dir: Path, sample: str) -> list[dict[str, Any]]:
    """One record per timing file of this sample (under ``timings_dir``, normally logs/timings), sorted by
    start time."""
    steps: list[dict[str, Any]] = []
    if not timings_dir.is_dir():
        return steps
    for path in sorted(timings_dir.rglob("*.tsv")):
        rel = path.relative_to(timings_dir).parts
        if not _belongs_to(rel, sample):
            continue
        record: dict[str, Any] = {"rule": rel[0], "timings": path.relative_to(timings_dir).as_posix()}
        record.update(_from_timings(path))
        sidecar = path.with_name(path.name + ".step.json")
        if sidecar.is_file():
            own = json.loads(sidecar.read_text())
            record.update({k: own[k] for k in ("start", "end", "host") if k in own})
            record["host_source"] = "step record written by the job"
        steps.append(record)
    return sorted(steps, key=lambda s: (s.get("start") or "", s["rule"]))
