"""QC numbers for the report from the workflow's QC files (samtools stats, mosdepth), each optional."""

from __future__ import annotations

from pathlib import Path

from clinwgs.core.errors import InputIntegrityError

STATS_KEYS = {
    "raw total sequences": "reads",
    "reads mapped": "reads_mapped",
    "reads duplicated": "reads_duplicated",
    "error rate": "error_rate",
    "insert size average": "insert_size_mean",
    "average length": "read_length_mean",
}


def samtools_stats(path: Path) -> dict[str, float]:
    """The SN (summary numbers) section of ``samtools stats``."""
    out: dict[str, float] = {}
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("SN\t"):
                parts = line.split("\t")
                key = parts[1].rstrip(":")
                if key in STATS_KEYS:
                    out[STATS_KEYS[key]] = float(parts[2])
    except (OSError, ValueError, IndexError) as exc:
        raise InputIntegrityError(f"cannot read samtools stats: {exc}", path=path) from exc
    if "reads" not in out:
        raise InputIntegrityError("not a samtools stats file (no 'SN raw total sequences')", path=path)
    if out["reads"]:
        out["mapped_pct"] = round(100 * out.get("reads_mapped", 0) / out["reads"], 2)
        out["duplicate_pct"] = round(100 * out.get("reads_duplicated", 0) / out["reads"], 2)
    return out


def mosdepth_dist(path: Path, contig: str = "total") -> list[tuple[float, float]]:
    """(depth, fraction of bases at >= depth) from ``*.mosdepth.global.dist.txt`` (or region.dist)."""
    points: list[tuple[float, float]] = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            name, depth, frac = line.split("\t")
            if name == contig:
                points.append((float(depth), float(frac)))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read mosdepth distribution: {exc}", path=path) from exc
    return sorted(points)
