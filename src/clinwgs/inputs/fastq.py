"""FASTQ checks: the one implementation behind the workflow's ``check_inputs`` rule and ``clinwgs audit
check-fastq``.

Every record of both mates is decoded (a truncated gzip or a corrupt deflate block is found here, not hours
later in the aligner), and each record is checked: four lines, '@' header, '+' separator, sequence of A, C,
G, T, N only, quality string of the same length in Phred+33 ('!'..'~'). A file whose qualities all sit in
the Phred+64 range (Illumina 1.3-1.7) is refused. Mates must agree record by record (count and read names),
and R1 and R2 must be two different files with different reads. Messages name the file, the record number and
the problem; they never quote the file's content.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import sha256_file

QUAL_MIN, QUAL_MAX = 33, 126  # '!'..'~': Phred+33
PHRED64_LOWEST = 64  # '@': Phred+64 qualities never go below it; Phred+33 data nearly always does
PHRED33_HIGHEST = 74  # 'J' (Q41): the highest quality Illumina Phred+33 writes
BASES = b"ACGTNacgtn"
GZIP_MAGIC = b"\x1f\x8b"


def _open(path: Path, sample: str | None) -> IO[bytes]:
    with path.open("rb") as raw:
        magic = raw.read(2)
    if magic == GZIP_MAGIC:
        return cast(IO[bytes], gzip.open(path, "rb"))
    if path.name.endswith(".gz"):
        raise InputIntegrityError(
            "FASTQ name ends in .gz but the file is not gzip-compressed (re-compress it with gzip or bgzip)",
            path=path,
            sample=sample,
        )
    return path.open("rb")


@dataclass
class _Qualities:
    """Lowest and highest quality byte seen in a file (to tell Phred+64 from Phred+33)."""

    low: int = 255
    high: int = 0


def _check_record(path: Path, sample: str | None, n: int, lines: tuple[bytes, bytes, bytes, bytes]) -> None:
    head, seq, plus, qual = lines

    def fail(problem: str) -> InputIntegrityError:
        return InputIntegrityError(f"FASTQ record {n}: {problem}", path=path, sample=sample)

    if not qual:
        raise fail("record is incomplete (the file ends inside a record)")
    if not head.startswith(b"@") or len(head.strip()) < 2:
        raise fail("header line does not start with '@' followed by a read name")
    if not plus.startswith(b"+"):
        raise fail("third line does not start with '+' (record is malformed or truncated)")
    s, q = seq.rstrip(b"\r\n"), qual.rstrip(b"\r\n")
    if len(s) != len(q):
        raise fail(f"sequence length {len(s)} differs from quality length {len(q)}")
    if s.translate(None, BASES):
        raise fail("sequence contains characters other than A, C, G, T, N")
    if q and (min(q) < QUAL_MIN or max(q) > QUAL_MAX):
        raise fail("quality string has characters outside Phred+33 ('!'..'~')")


def _read_name(head: bytes) -> bytes:
    name = head[1:].split(maxsplit=1)[0]
    return name[:-2] if name.endswith((b"/1", b"/2")) else name


def fastq_records(
    path: Path, sample: str | None, quals: _Qualities | None = None
) -> Iterator[tuple[bytes, bytes]]:
    """Yield (read name, sequence) of every record of a FASTQ (gzip or plain), checking each record."""
    try:
        with _open(path, sample) as handle:
            n = 0
            while head := handle.readline():
                lines = (head, handle.readline(), handle.readline(), handle.readline())
                n += 1
                _check_record(path, sample, n, lines)
                if quals is not None:
                    q = lines[3].rstrip(b"\r\n")
                    if q:
                        quals.low, quals.high = min(quals.low, min(q)), max(quals.high, max(q))
                yield _read_name(head), lines[1]
    except EOFError as exc:
        raise InputIntegrityError(
            "FASTQ is truncated: the gzip stream ends before its end-of-stream marker",
            path=path,
            sample=sample,
        ) from exc
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise InputIntegrityError(
            "FASTQ is not valid gzip (corrupt compressed data)", path=path, sample=sample
        ) from exc
    except OSError as exc:
        raise InputIntegrityError(
            f"FASTQ cannot be read ({exc.strerror or type(exc).__name__})", path=path, sample=sample
        ) from exc


def _check_encoding(path: Path, sample: str | None, quals: _Qualities) -> None:
    if quals.low >= PHRED64_LOWEST and quals.high > PHRED33_HIGHEST:
        raise InputIntegrityError(
            f"qualities look Phred+64 (Illumina 1.3-1.7): no quality byte below {quals.low}, highest "
            f"{quals.high}; convert to Phred+33 (e.g. seqtk seq -Q64 -V) and give the converted file",
            path=path,
            sample=sample,
        )


def _refuse_same_file(fq1: Path, fq2: Path, sample: str | None) -> None:
    same = fq1.resolve() == fq2.resolve() or (fq1.exists() and fq2.exists() and fq1.samefile(fq2))
    if same or (fq1.stat().st_size == fq2.stat().st_size and sha256_file(fq1) == sha256_file(fq2)):
        raise InputIntegrityError(
            f"R1 and R2 are the same {'file' if same else 'content (equal sha256)'}: {fq2} is not the mate "
            "file; give the R2 file of this read pair",
            path=fq1,
            sample=sample,
        )


def check_fastq_pair(fq1: Path, fq2: Path | None, *, sample: str | None = None) -> dict[str, Any]:
    """Decode one FASTQ or both mates completely and check them record by record; returns {"reads": n}.

    Raises InputIntegrityError naming the file, the record and the problem."""
    for path in (fq1, fq2):
        if path is not None and not path.is_file():
            raise InputIntegrityError("FASTQ file does not exist", path=path, sample=sample)
    if fq2 is None:
        quals = _Qualities()
        reads = sum(1 for _ in fastq_records(fq1, sample, quals))
        if reads == 0:
            raise InputIntegrityError("FASTQ has no reads", path=fq1, sample=sample)
        _check_encoding(fq1, sample, quals)
        return {"reads": reads}
    _refuse_same_file(fq1, fq2, sample)
    q1, q2 = _Qualities(), _Qualities()
    it1, it2 = fastq_records(fq1, sample, q1), fastq_records(fq2, sample, q2)
    reads, same_reads = 0, True
    while True:
        rec1, rec2 = next(it1, None), next(it2, None)
        if rec1 is None and rec2 is None:
            break
        if rec1 is None or rec2 is None:
            raise InputIntegrityError(
                f"mate files differ in length: this file ends after {reads} reads, its mate has more",
                path=fq1 if rec1 is None else fq2,
                sample=sample,
            )
        reads += 1
        if rec1[0] != rec2[0]:
            raise InputIntegrityError(
                f"mates out of step at read {reads}: the read names of R1 and R2 differ (mate {fq2.name} is "
                "not in the same order, or is not this file's mate)",
                path=fq1,
                sample=sample,
            )
        same_reads = same_reads and rec1[1] == rec2[1]
    if reads == 0:
        raise InputIntegrityError("FASTQ has no reads", path=fq1, sample=sample)
    if same_reads:
        raise InputIntegrityError(
            f"R2 {fq2.name} holds the same sequences as R1, read for read: it is a copy, not the mate file",
            path=fq1,
            sample=sample,
        )
    _check_encoding(fq1, sample, q1)
    _check_encoding(fq2, sample, q2)
    return {"reads": reads}
