"""Reference FASTA checks: a ``.fai`` that disagrees with its FASTA (the @SQ comparison of BAM/CRAM
inputs is in ``clinwgs.inputs.alignment``).

A ``.fai`` with a wrong line length makes ``samtools faidx`` return wrong bases without an error, so the index
is recomputed from the FASTA itself and compared field by field.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple, cast

from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError
from clinwgs.core.io import compression


class FaiEntry(NamedTuple):
    name: str
    length: int
    offset: int
    linebases: int
    linewidth: int


def _open(path: Path) -> IO[bytes]:
    gz = compression(path) != "none"
    return cast(IO[bytes], gzip.open(path, "rb")) if gz else path.open("rb")


CHUNK = 1 << 23  # bytes read at a time; one contig's sequence is held in memory while it is indexed


def _records(handle: IO[bytes]) -> Iterator[tuple[int, bytes, bytearray]]:
    """(byte offset of the sequence, header line without '>', sequence bytes with their line ends) of each
    record; text before the first header is skipped, as ``samtools faidx`` does."""
    buf, base, scan, eof = bytearray(), 0, 0, False
    while not eof and not buf.startswith(b">") and b"\n>" not in buf:
        more = handle.read(CHUNK)
        eof = not more
        buf += more
    start = 0 if buf.startswith(b">") else buf.find(b"\n>") + 1
    if start == 0 and not buf.startswith(b">"):
        return
    scan = start + 1
    while True:
        nxt = buf.find(b"\n>", scan)
        while nxt == -1 and not eof:
            more = handle.read(CHUNK)
            eof = not more
            del buf[:start]
            base, scan, start = base + start, max(len(buf) - 1, 1), 0
            buf += more
            nxt = buf.find(b"\n>", scan)
        end = len(buf) if nxt == -1 else nxt + 1
        head_end = buf.find(b"\n", start, end)
        head_end = end if head_end == -1 else head_end
        header = bytes(buf[start + 1 : head_end]).rstrip(b"\r")
        yield base + min(head_end + 1, end), header, buf[min(head_end + 1, end) : end]
        if nxt == -1:
            return
        start, scan = end, end + 1


def _entry(path: Path, name: str, offset: int, seq: bytearray) -> FaiEntry:
    """The .fai line of one record, checking (at C speed, by slicing) that every line but the last has the
    width of the first and the last is not longer."""
    if not seq.strip():
        return FaiEntry(name, 0, offset, 0, 0)
    width = seq.find(b"\n") + 1 or len(seq)
    bases = width - (1 if seq.endswith(b"\n") or width < len(seq) else 0)
    bases -= 1 if bases and seq[bases - 1 : bases] == b"\r" else 0
    lines = seq.count(b"\n") + (0 if seq.endswith(b"\n") else 1)
    body = memoryview(seq)[: (lines - 1) * width]
    ends = bytes(body[width - 1 :: width]) if lines > 1 else b""
    if len(ends) != lines - 1 or ends.count(b"\n") != lines - 1 or body.tobytes().count(b"\n") != lines - 1:
        raise InputIntegrityError(
            f"FASTA contig {name} has lines of unequal length (cannot be indexed)", path=path
        )
    last = bytes(seq[(lines - 1) * width :]).rstrip(b"\r\n")
    if len(last) > bases or b"\n" in last:
        raise InputIntegrityError(f"FASTA contig {name}: last line is longer than the others", path=path)
    return FaiEntry(name, (lines - 1) * bases + len(last), offset, bases, width)


def index_fasta(path: Path) -> list[FaiEntry]:
    """What ``samtools faidx`` would write, computed by reading the whole (optionally gzipped) FASTA."""
    entries: list[FaiEntry] = []
    try:
        with _open(path) as handle:
            for offset, header, seq in _records(handle):
                name = header.split()[0].decode() if header.split() else ""
                entries.append(_entry(path, name, offset, seq))
    except (EOFError, OSError, zlib.error) as exc:
        raise InputIntegrityError(f"FASTA is truncated or not valid gzip ({exc})", path=path) from exc
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
