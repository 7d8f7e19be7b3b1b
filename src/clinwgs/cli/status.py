"""`clinwgs status`: turnaround per sample against the 7-10 day target."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from clinwgs.core import layout
from clinwgs.ops.turnaround import DEFAULT_UNITS, as_json, as_table, assess, collect, parse_iso, ranked
from clinwgs.service.turnaround import service_times


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinwgs status", description=__doc__.split("\n")[0])
    p.add_argument("--results", type=Path, default=Path(layout.RESULTS), help="results directory")
    p.add_argument("--timings", type=Path, default=Path(layout.TIMINGS), help="per-rule timing files")
    p.add_argument(
        "--units", type=Path, default=None, help="units.tsv (default config/units.tsv): input file times"
    )
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="record service database (SQLAlchemy URL, read only); default $DATABASE_URL",
    )
    p.add_argument("--now", default=None, help="evaluate at this UTC time (ISO 8601); default: now")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    now = parse_iso(args.now) if args.now else datetime.now(UTC)
    units = args.units if args.units is not None else DEFAULT_UNITS if DEFAULT_UNITS.is_file() else None
    from_service = service_times(args.database_url) if args.database_url else None
    timelines = collect(args.results, args.timings, units, from_service)
    assessments = ranked([assess(t, now) for t in timelines])
    print(as_json(assessments, now) if args.json else as_table(assessments))
    return 0
