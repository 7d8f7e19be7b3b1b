"""Reference FASTA checks: a ``.fai`` that disagrees with its FASTA (the @SQ comparison of BAM/CRAM
inputs is in ``clinwgs.inputs.alignment``).

A ``.fai`` with a wrong line length makes ``samtools faidx`` return wrong bases without an error, so the index
is recomputed from the FASTA itself and compared field by field.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import IO, NamedTuple, cast

from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError


class FaiEntry(NamedTuple):
    name: str
    length: int
    offset: int
    linebases: int
    linewidth: int


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    return cast(IO[bytes], gzip.open(path, "rb")) if gz else path.open("rb")


def _finish(path: Path, name: str, length: int, offset: int, widths: list[tuple[int, int]]) -> FaiEntry:
    """widths: (bases, bytes) of each sequence line; all but the last must match the first."""
    if not widths:
        return FaiEntry(name, 0, offset, 0, 0)
    bases, width = widths[0]
    for line_bases, line_width in widths[1:-1]:
        if (line_bases, line_width) != (bases, width):
            raise InputIntegrityError(
                f"FASTA contig {name} has lines of unequal length (cannot be indexed)", path=path
            )
    if widths[-1][0] > bases:
        raise InputIntegrityError(f"FASTA contig {name}: last line is longer than the others", path=path)
    return FaiEntry(name, length, offset, bases, width)


def index_fasta(path: Path) -> list[FaiEntry]:
    """What ``samtools faidx`` would write, computed by reading the whole (optionally gzipped) FASTA."""
    entries: list[FaiEntry] = []
    name, length, offset, pos = "", 0, 0, 0
    widths: list[tuple[int, int]] = []
    try:
        with _open(path) as handle:
            for line in handle:
                pos += len(line)
                if line.startswith(b">"):
                    if name:
                        entries.append(_finish(path, name, length, offset, widths))
                    name, length, offset, widths = line[1:].split()[0].decode(), 0, pos, []
                    continue
                bases = len(line.rstrip(b"\r\n"))
                length += bases
                widths.append((bases, len(line)))
    except (EOFError, OSError, zlib.error) as exc:
        raise InputIntegrityError(f"FASTA is truncated or not valid gzip ({exc})", path=path) from exc
    if name:
        entries.append(_finish(path, name, length, offset, widths))
    if not entries:
        raise InputIntegrityError("FASTA has no '>' sequence header", path=path)
    return entries


def read_fai(fai: Path) -> list[FaiEntry]:
    entries = []
    for n, line in enumerate(fai.read_text().splitlines(), start=1):
        cols = line.split("\t")
        if len(cols) != 5 or not all(c.isdigit() for c in cols[1:]):
            raise InputIntegrityError(
                f"line {n}: a .fai line needs 5 tab-separated fields "
                "(name, length, offset, linebases, linewidth)",
                path=fai,
            )
        entries.append(FaiEntry(cols[0], *(int(c) for c in cols[1:])))
    return entries


def check_fai(fasta: Path, fai: Path | None = None) -> list[FaiEntry]:
    """Compare ``fasta``'s ``.fai`` with the index recomputed from the FASTA; raise on any difference."""
    fai = fai or fasta.with_name(fasta.name + ".fai")
    actual, listed = index_fasta(fasta), read_fai(fai)
    if [e.name for e in actual] != [e.name for e in listed]:
        raise ReferenceMismatchError(
            f".fai lists contigs {[e.name for e in listed][:5]}, the FASTA has "
            f"{[e.name for e in actual][:5]}",
            path=fai,
        )
    for want, have in zip(actual, listed, strict=True):
        for fld in FaiEntry._fields[1:]:
            if getattr(want, fld) != getattr(have, fld):
                raise ReferenceMismatchError(
                    f".fai does not match the FASTA for {want.name}: {fld} is {getattr(have, fld)} in the "
                    f".fai but {getattr(want, fld)} in the FASTA (faidx would return wrong bases)",
                    path=fai,
                )
    return actual
