"""Input integrity: every FASTQ fully decoded with mates checked record by record, every BAM/CRAM fully
read and its @SQ lengths (and M5 when present) compared with the reference. Errors name sample and file."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pysam

from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError
from clinwgs.reference.bundles import sha256_file

if TYPE_CHECKING:
    from clinwgs.config.load import RunConfig, Unit


def _mate_name(header: str) -> str:
    """Read name without '@', comment, or a /1 /2 mate suffix."""
    name = header[1:].split(maxsplit=1)[0] if len(header) > 1 else ""
    return name[:-2] if name.endswith(("/1", "/2")) else name


def fastq_names(path: Path, sample: str) -> Iterator[str]:
    """Yield read names of a gzip FASTQ, decoding it fully; malformed or truncated input raises."""
    try:
        with gzip.open(path, "rt", encoding="ascii") as handle:
            number = 0
            while header := handle.readline():
                number += 1
                seq, plus, qual = handle.readline(), handle.readline(), handle.readline()
                if not header.startswith("@") or not plus.startswith("+") or not qual:
                    raise InputIntegrityError(f"FASTQ record {number} is malformed", path=path, sample=sample)
                if len(seq.rstrip("\n")) != len(qual.rstrip("\n")):
                    raise InputIntegrityError(
                        f"FASTQ record {number}: sequence and quality lengths differ",
                        path=path, sample=sample,
                    )
                yield _mate_name(header)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise InputIntegrityError(
            f"not a complete gzip FASTQ (truncated or corrupt): {exc}", path=path, sample=sample
        ) from exc


def check_fastq_pair(fq1: Path, fq2: Path, sample: str) -> int:
    """Decode both mates fully; their read counts and names must agree record by record. Returns pairs."""
    names2 = fastq_names(fq2, sample)
    count = 0
    for count, name1 in enumerate(fastq_names(fq1, sample), start=1):
        name2 = next(names2, None)
        if name2 is None:
            raise InputIntegrityError(
                f"mates differ in read count: {fq1} has more reads than {fq2} (at record {count})",
                path=fq2, sample=sample,
            )
        if name1 != name2:
            raise InputIntegrityError(
                f"mates out of step at record {count}: {name1!r} in {fq1} vs {name2!r} in {fq2}",
                path=fq2, sample=sample,
            )
    if next(names2, None) is not None:
        raise InputIntegrityError(
            f"mates differ in read count: {fq2} has more reads than {fq1} ({count})", path=fq2, sample=sample
        )
    if count == 0:
        raise InputIntegrityError("FASTQ has no reads", path=fq1, sample=sample)
    return count


def reference_lengths(fai: Path) -> dict[str, int]:
    """Contig lengths from a FASTA .fai index."""
    lengths = {}
    for line in fai.read_text(encoding="utf-8").splitlines():
        name, length = line.split("\t")[:2]
        lengths[name] = int(length)
    return lengths


@cache
def reference_md5(fasta: Path, contig: str) -> str:
    """MD5 of a contig's upper-case sequence (the SAM @SQ M5 definition)."""
    with pysam.FastaFile(str(fasta)) as handle:
        return hashlib.md5(handle.fetch(contig).upper().encode()).hexdigest()  # noqa: S324 - SAM M5


def sq_mismatches(header: dict[str, object], lengths: dict[str, int], fasta: Path | None) -> list[str]:
    """Differences between an alignment header's @SQ lines and the reference (empty list = match)."""
    sq = header.get("SQ", [])
    assert isinstance(sq, list)
    found = {str(s["SN"]): s for s in sq}
    problems = [f"contig {n} of the reference is missing" for n in lengths if n not in found]
    for name, entry in found.items():
        if name not in lengths:
            problems.append(f"contig {name} (@SQ) is not in the reference")
        elif int(entry["LN"]) != lengths[name]:
            problems.append(f"contig {name}: @SQ LN {entry['LN']} but reference length {lengths[name]}")
        elif "M5" in entry and fasta is not None and str(entry["M5"]).lower() != reference_md5(fasta, name):
            problems.append(f"contig {name}: @SQ M5 {entry['M5']} differs from the reference sequence")
    return problems


def _open_alignment(path: Path, fasta: Path | None, sample: str) -> pysam.AlignmentFile:
    try:
        return pysam.AlignmentFile(str(path), "rc" if path.suffix == ".cram" else "rb",
                                   reference_filename=str(fasta) if fasta else None)
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"not a readable BAM/CRAM: {exc}", path=path, sample=sample) from exc


def alignment_matches_reference(path: Path, fai: Path, fasta: Path | None = None, sample: str = "") -> bool:
    """True when the BAM/CRAM header's @SQ lengths (and M5 where given) equal the reference's."""
    with _open_alignment(path, fasta, sample) as handle:
        return not sq_mismatches(handle.header.to_dict(), reference_lengths(fai), fasta)


def require_matching_reference(path: Path, fai: Path, fasta: Path | None, sample: str) -> None:
    """Raise ReferenceMismatchError (naming sample and file) when the alignment was made elsewhere."""
    with _open_alignment(path, fasta, sample) as handle:
        problems = sq_mismatches(handle.header.to_dict(), reference_lengths(fai), fasta)
    if problems:
        raise ReferenceMismatchError(
            "aligned to another reference: " + "; ".join(problems[:5]), path=path, sample=sample
        )


def count_alignment_records(path: Path, fasta: Path | None, sample: str) -> int:
    """Read every record (quickcheck misses corrupt middle blocks); return the record count."""
    count = 0
    try:
        with _open_alignment(path, fasta, sample) as handle:
            for _ in handle.fetch(until_eof=True):
                count += 1
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(
            f"BAM/CRAM unreadable after {count} records (truncated or corrupt): {exc}",
            path=path, sample=sample,
        ) from exc
    if count == 0:
        raise InputIntegrityError("BAM/CRAM has no reads", path=path, sample=sample)
    return count


def check_checksums(unit: Unit) -> None:
    for column, path, expected in unit.files():
        if expected and sha256_file(path) != expected:
            raise InputIntegrityError(
                f"units.tsv {column}_sha256 does not match the file (changed or corrupted in transfer)",
                path=path, sample=unit.sample_id,
            )


def check_unit(unit: Unit, fasta: Path, fai: Path, require_match: bool) -> dict[str, object]:
    """Full integrity check of one unit; returns a small JSON-able record of what was checked."""
    for _, path, _ in unit.files():
        if not path.is_file():
            raise InputIntegrityError("input file does not exist", path=path, sample=unit.sample_id)
    check_checksums(unit)
    if unit.bam is not None:
        if require_match:
            require_matching_reference(unit.bam, fai, fasta, unit.sample_id)
        reads = count_alignment_records(unit.bam, fasta, unit.sample_id)
        matches = alignment_matches_reference(unit.bam, fai, fasta, unit.sample_id)
        action = "reused" if matches else "realigned"
        return {"unit": unit.unit_id, "kind": "alignment", "file": str(unit.bam), "records": reads,
                "action": action}
    assert unit.fq1 is not None and unit.fq2 is not None
    pairs = check_fastq_pair(unit.fq1, unit.fq2, unit.sample_id)
    return {"unit": unit.unit_id, "kind": "fastq", "files": [str(unit.fq1), str(unit.fq2)], "pairs": pairs}


def write_input_check(units: list[Unit], fasta: Path, fai: Path, require_match: bool, out: Path) -> None:
    """Check every unit of a sample; write the JSON record under a temp name and rename when complete."""
    checked = [check_unit(u, fasta, fai, require_match) for u in units]
    record = {"sample": units[0].sample_id, "units": checked}
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)


def check_run_inputs(run: RunConfig) -> list[str]:
    """`clinwgs validate --deep`: verify bundles and every unit; one summary line per checked item."""
    from clinwgs.reference.bundles import load_manifest, verify_bundle

    lines = []
    bundles = {name: load_manifest(path) for name, path in run.bundles.items()}
    for name, bundle in bundles.items():
        lines.append(f"bundle {name}: {len(verify_bundle(bundle))} files match their sha256")
    for sample_id, units in run.units.items():
        bundle = bundles[run.samples[sample_id].reference]
        fasta = bundle.files.fasta.path
        fai = fasta.with_name(fasta.name + ".fai")
        for unit in units:
            result = check_unit(unit, fasta, fai, run.on_reference_mismatch == "error")
            lines.append(f"sample {sample_id} unit {unit.unit_id}: OK {json.dumps(result)}")
    return lines
