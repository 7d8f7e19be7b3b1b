"""Sex inferred from chrX/chrY depth relative to the autosomes (mosdepth ``*.mosdepth.summary.txt``), compared
with the sample sheet. A mismatch blocks release of the report.

Ratios are mean depth of X (or Y) over the length-weighted mean depth of the autosomes. Expected: female
X ~1.0 and Y ~0; male X ~0.5 and Y ~0.5 (Y lower in practice: much of it is unmappable).
"""

from __future__ import annotations

import re
from pathlib import Path

from clinwgs.core.errors import InputIntegrityError
from clinwgs.models.findings import SexCheck

_AUTOSOME = re.compile(r"^(chr)?([1-9]|1\d|2[0-2])$")
_X = re.compile(r"^(chr)?X$")
_Y = re.compile(r"^(chr)?Y$")

MALE_X_MAX, FEMALE_X_MIN = 0.65, 0.8
MALE_Y_MIN, FEMALE_Y_MAX = 0.15, 0.05


def read_mosdepth_summary(path: Path) -> dict[str, tuple[int, float]]:
    """contig -> (length, mean depth); the ``_region`` and ``total`` rows are left out."""
    rows: dict[str, tuple[int, float]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputIntegrityError(f"cannot read mosdepth summary: {exc}", path=path) from exc
    if not lines or not lines[0].startswith("chrom\tlength\tbases\tmean"):
        raise InputIntegrityError("not a mosdepth summary (header 'chrom length bases mean ...')", path=path)
    for number, line in enumerate(lines[1:], 2):
        parts = line.split("\t")
        try:
            if parts[0] != "total" and not parts[0].endswith("_region"):
                rows[parts[0]] = (int(parts[1]), float(parts[3]))
        except (IndexError, ValueError) as exc:
            raise InputIntegrityError(f"line {number}: malformed row {line!r}", path=path) from exc
    return rows


def _mean(rows: dict[str, tuple[int, float]], pattern: re.Pattern[str]) -> float | None:
    picked = [(length, mean) for name, (length, mean) in rows.items() if pattern.match(name) and length > 0]
    total = sum(length for length, _ in picked)
    return sum(length * mean for length, mean in picked) / total if total else None


def infer_sex(x_ratio: float | None, y_ratio: float | None) -> tuple[str, str]:
    """(inferred sex, reason)."""
    if x_ratio is None or y_ratio is None:
        return "unknown", "the reference bundle or the alignment has no chrX/chrY (or no autosomal) depth"
    if x_ratio <= MALE_X_MAX and y_ratio >= MALE_Y_MIN:
        return (
            "male",
            f"X/autosome {x_ratio:.2f} <= {MALE_X_MAX} and Y/autosome {y_ratio:.2f} >= {MALE_Y_MIN}",
        )
    if x_ratio >= FEMALE_X_MIN and y_ratio <= FEMALE_Y_MAX:
        return (
            "female",
            f"X/autosome {x_ratio:.2f} >= {FEMALE_X_MIN} and Y/autosome {y_ratio:.2f} <= {FEMALE_Y_MAX}",
        )
    return (
        "unknown",
        f"ambiguous depth ratios (X {x_ratio:.2f}, Y {y_ratio:.2f}): possible aneuploidy or mosaicism",
    )


def sex_check(reported: str, depths: dict[str, tuple[int, float]] | None) -> SexCheck:
    """Compare the sample sheet's sex with the one inferred from depth."""
    auto = _mean(depths, _AUTOSOME) if depths else None
    x = _mean(depths, _X) if depths else None
    y = _mean(depths, _Y) if depths else None
    x_ratio = x / auto if x is not None and auto else None
    y_ratio = y / auto if y is not None and auto else None
    inferred, reason = infer_sex(x_ratio, y_ratio)
    if depths is None:
        reason = "no depth summary was supplied"
    mismatch = reported in {"female", "male"} and inferred in {"female", "male"} and reported != inferred
    note = f"inferred {inferred}: {reason}"
    if mismatch:
        note = f"SEX MISMATCH: sample sheet says {reported}, depth says {inferred} ({reason})"
    return SexCheck.model_validate(
        {
            "reported": reported,
            "inferred": inferred,
            "x_autosome_ratio": x_ratio,
            "y_autosome_ratio": y_ratio,
            "mismatch": mismatch,
            "note": note,
        }
    )
