"""BAM/CRAM checks: the one implementation behind the workflow's ``check_inputs`` rule, the reuse-or-realign
decision of ``rules/common.smk`` and ``clinwgs audit check-alignment``.

* every record is read (``samtools quickcheck`` passes a file whose middle block is corrupt);
* the header's @SQ names, lengths and M5 (where given) are compared with the bundle reference;
* CRAM is decoded only against the given local FASTA: htslib's remote reference lookup is switched off.

htslib runs in a child ``samtools`` process, so a malformed file cannot take the caller down.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import tempfile
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import pysam

from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError
from clinwgs.inputs.fasta import index_fasta, read_fai

Header = dict[str, list[dict[str, str]]]


def local_only_env() -> dict[str, str]:
    """Environment in which htslib can never fetch a CRAM reference from a remote registry."""
    env = dict(os.environ)
    cache_dir = Path(tempfile.gettempdir()) / "clinwgs-no-remote-ref"
    env["REF_PATH"] = str(cache_dir / "%2s" / "%2s" / "%s")
    env["REF_CACHE"] = str(cache_dir / "%2s" / "%2s" / "%s")
    return env


def _samtools(args: list[str], path: Path, reference: Path | None) -> subprocess.CompletedProcess[str]:
    ref = ["-T", str(reference)] if reference is not None else []
    return subprocess.run(
        ["samtools", *args, *ref, str(path)],
        capture_output=True,
        text=True,
        env=local_only_env(),
        check=False,
    )


def alignment_format(path: Path, *, sample: str | None = None) -> str:
    """ "BAM" or "CRAM" from the file's magic number; anything else (SAM text included) is refused."""
    if not path.is_file():
        raise InputIntegrityError("BAM/CRAM file does not exist", path=path, sample=sample)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"CRAM":
        return "CRAM"
    if magic[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as handle:
                if handle.read(4) == b"BAM\x01":
                    return "BAM"
        except (OSError, EOFError, zlib.error):
            pass
    raise InputIntegrityError(
        "not a BAM or CRAM file (no BAM/CRAM magic number at its start)", path=path, sample=sample
    )


def read_header(path: Path, *, sample: str | None = None) -> Header:
    """The SAM header of a BAM/CRAM as {record type: [tag dicts]} (only @SQ and @RG are kept)."""
    alignment_format(path, sample=sample)
    done = _samtools(["view", "-H", "--no-PG"], path, None)
    if done.returncode != 0:
        raise InputIntegrityError(
            "not a readable BAM/CRAM (samtools cannot read its header)", path=path, sample=sample
        )
    header: Header = {"SQ": [], "RG": []}
    for line in done.stdout.splitlines():
        kind = line[1:3]
        if line.startswith("@") and kind in header:
            header[kind].append(dict(f.split(":", 1) for f in line.split("\t")[1:] if ":" in f))
    return header


def check_read_groups(header: Header, path: Path, sample: str | None) -> None:
    """The file's read groups must name exactly one sample, and (given ``sample``) that sample.

    The workflow never rewrites @RG SM: a BAM/CRAM is the sample it says it is, or it is refused. Without read
    groups, callers would name the VCF sample after the file path. Messages never quote the SM value (it may
    be a patient identifier)."""
    groups = header["RG"]
    if not groups:
        raise InputIntegrityError(
            "BAM/CRAM has no @RG read groups, so the sample it holds cannot be checked: add one with "
            f"SM:{sample or '<sample ID>'} (samtools addreplacerg) and give the new file",
            path=path,
            sample=sample,
        )
    names = {g.get("SM", "") for g in groups}
    if "" in names:
        raise InputIntegrityError(
            "a read group of this BAM/CRAM has no SM (sample) tag: every @RG needs SM:<sample ID>",
            path=path,
            sample=sample,
        )
    if len(names) > 1:
        raise InputIntegrityError(
            f"the read groups of this BAM/CRAM name {len(names)} different samples: give one file per sample",
            path=path,
            sample=sample,
        )
    if sample is not None and names != {sample}:
        raise InputIntegrityError(
            "the read groups of this BAM/CRAM name another sample (@RG SM is not this sample ID): check that "
            "units.tsv gives this sample's file; the workflow does not rewrite SM",
            path=path,
            sample=sample,
        )


def reference_lengths(fasta: Path) -> dict[str, int]:
    """Contig lengths of a reference: from its .fai when there is one (``check_fai`` proves it right),
    otherwise by reading the FASTA."""
    fai = fasta.with_name(fasta.name + ".fai")
    return {e.name: e.length for e in (read_fai(fai) if fai.is_file() else index_fasta(fasta))}


@cache
def reference_md5(fasta: Path, contig: str) -> str:
    """MD5 of a contig's upper-case sequence (the SAM @SQ M5 definition)."""
    with pysam.FastaFile(str(fasta)) as handle:
        return hashlib.md5(handle.fetch(contig).upper().encode()).hexdigest()  # noqa: S324 - SAM M5


def sq_mismatches(sq: list[dict[str, str]], lengths: dict[str, int], fasta: Path | None) -> list[str]:
    """Differences between @SQ lines and the reference (empty list = the same reference)."""
    found = {s.get("SN", ""): s for s in sq}
    problems = [
        f"contig {n} of the reference is missing from the @SQ lines" for n in lengths if n not in found
    ]
    for name, entry in found.items():
        if name not in lengths:
            problems.append(f"contig {name} (@SQ) is not in the reference")
        elif int(entry.get("LN", "0")) != lengths[name]:
            problems.append(f"contig {name}: @SQ LN {entry.get('LN')} but reference length {lengths[name]}")
        elif "M5" in entry and fasta is not None and entry["M5"].lower() != reference_md5(fasta, name):
            problems.append(f"contig {name}: @SQ M5 differs from the reference sequence's MD5")
    return problems


def reference_mismatches(path: Path, fasta: Path, *, sample: str | None = None) -> list[str]:
    """How the BAM/CRAM's reference differs from ``fasta`` (empty: it was aligned to this reference)."""
    return sq_mismatches(read_header(path, sample=sample)["SQ"], reference_lengths(fasta), fasta)


def alignment_matches_reference(path: Path, fasta: Path, *, sample: str | None = None) -> bool:
    """True when the @SQ names, lengths (and M5 where given) equal the reference's: the file is reused."""
    return not reference_mismatches(path, fasta, sample=sample)


def _mismatch_error(
    path: Path, fasta: Path, problems: list[str], sample: str | None
) -> ReferenceMismatchError:
    return ReferenceMismatchError(
        f"aligned to another reference than {fasta.name}: " + "; ".join(problems[:5]),
        path=path,
        sample=sample,
    )


def require_matching_reference(path: Path, fasta: Path, *, sample: str | None = None) -> None:
    """Raise ReferenceMismatchError (naming sample and file) when the alignment was made elsewhere."""
    problems = reference_mismatches(path, fasta, sample=sample)
    if problems:
        raise _mismatch_error(path, fasta, problems, sample)


def count_records(path: Path, *, reference: Path | None = None, sample: str | None = None) -> dict[str, Any]:
    """Read every record of a BAM/CRAM; returns {"records": n, "format": "BAM"|"CRAM"}.

    A file that fails the full read, or holds no reads, raises InputIntegrityError."""
    fmt = alignment_format(path, sample=sample)
    if fmt == "CRAM" and reference is None:
        raise ReferenceMismatchError(
            "CRAM input needs the bundle's reference FASTA to decode", path=path, sample=sample
        )
    done = _samtools(["view", "-c"], path, reference)
    if done.returncode != 0 or "EOF marker is absent" in done.stderr or "truncated" in done.stderr:
        raise InputIntegrityError(
            "BAM/CRAM is corrupt or truncated: the full read failed (samtools view exit "
            f"{done.returncode}{', EOF marker absent' if 'EOF marker is absent' in done.stderr else ''})",
            path=path,
            sample=sample,
        )
    records = int(done.stdout.strip() or 0)
    if records == 0:
        raise InputIntegrityError("BAM/CRAM has no reads", path=path, sample=sample)
    return {"records": records, "format": fmt}


def check_alignment(
    path: Path, *, reference: Path | None = None, sample: str | None = None, require_match: bool = False
) -> dict[str, Any]:
    """The full BAM/CRAM check: read groups (one sample, ``sample`` when given), the reference (an error
    only when ``require_match``), then every record.

    Returns {"records", "format", "matches_reference"} (the last is None without a reference)."""
    header = read_header(path, sample=sample)
    check_read_groups(header, path, sample)
    matches: bool | None = None
    if reference is not None:
        problems = sq_mismatches(header["SQ"], reference_lengths(reference), reference)
        if problems and require_match:
            raise _mismatch_error(path, reference, problems, sample)
        matches = not problems
    return {**count_records(path, reference=reference, sample=sample), "matches_reference": matches}
