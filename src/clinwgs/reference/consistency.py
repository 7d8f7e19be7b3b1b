"""Consistency of a reference bundle's files with its FASTA: what ``clinwgs bundle create`` checks before it
writes a bundle and what ``verify_bundle`` (the rule, ``clinwgs validate --deep`` and ``clinwgs run``'s
preflight) checks after every file's sha256 matched, so a bundle assembled by hand is held to the same rules.

- a compressed FASTA is BGZF (plain gzip cannot be indexed); a ``.fai`` beside it is what ``samtools faidx``
  would write and a ``.gzi`` exactly the block table ``bgzip -r`` writes (a stale one makes faidx return
  wrong bases); a bundle may ship neither (``prepare_fasta`` derives them), but a BGZF FASTA with a ``.fai``
  needs its ``.gzi``;
- the manifest's build agrees with the FASTA's contig lengths (``clinwgs.reference.builds``);
- gene models lie on the FASTA's contigs, inside them, and their CDS start with ATG on this sequence;
- ClinVar and population VCFs are BGZF with an index, on the FASTA's contigs, and their REF alleles match it.

Coordinates: GFF3 is 1-based inclusive; VCF POS is 1-based; ``.gzi`` offsets are 0-based byte offsets.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pysam

from clinwgs.core.io import BGZF_MAGIC, compression

# GENCODE marks some CDS as incomplete (cds_start_NF: 5 of 29 BRCA1 transcripts), so not all start with ATG;
# on another build or sequence almost none do (a random codon is ATG 1 time in 64)
START_CODON_MIN_FRACTION = 0.5
VCF_REF_CHECKED = 500  # records per VCF whose REF is compared with the FASTA
VCF_REF_MAX_MISMATCH = 0.01


def bgzf_problem(path: Path, what: str) -> str | None:
    kind = compression(path)
    if kind == "bgzf":
        return None
    fix = f"zcat {path} | bgzip > {path.name}.bgz" if kind == "gzip" else f"bgzip {path}"
    return f"{path}: {what} is {'plain gzip' if kind == 'gzip' else 'not compressed'}, not BGZF: run `{fix}`"


def bgzf_blocks(path: Path) -> list[tuple[int, int, int]]:
    """(compressed offset, uncompressed offset, uncompressed size) of every BGZF block, read from the block
    headers and trailers only (nothing is decompressed). Raises ValueError on a block that is not BGZF."""
    blocks = []
    coffset = uoffset = 0
    size = path.stat().st_size
    with path.open("rb") as handle:
        while coffset < size:
            handle.seek(coffset)
            head = handle.read(18)
            if len(head) < 18 or head[:4] != BGZF_MAGIC or head[12:14] != b"BC":
                raise ValueError(f"byte {coffset} does not start a BGZF block")
            block_size = struct.unpack("<H", head[16:18])[0] + 1
            handle.seek(coffset + block_size - 4)
            isize = struct.unpack("<I", handle.read(4))[0]
            blocks.append((coffset, uoffset, isize))
            coffset, uoffset = coffset + block_size, uoffset + isize
    return blocks


def gzi_problem(fasta: Path, gzi: Path) -> str | None:
    """The ``.gzi`` must list, for every BGZF block after the first (the empty end-of-file block excepted),
    its compressed and uncompressed offsets: exactly what ``bgzip -r`` writes."""
    fix = f"run `bgzip -r {fasta}` (or `samtools faidx {fasta}`)"
    if not gzi.is_file() or gzi.stat().st_size < 8:
        return f"{gzi}: the FASTA's .gzi index is missing or empty: {fix}"
    try:
        blocks = bgzf_blocks(fasta)
    except ValueError as exc:
        return f"{fasta}: the FASTA is not a complete BGZF file ({exc})"
    if blocks and blocks[-1][2] == 0:
        blocks = blocks[:-1]
    want = [(c, u) for c, u, _ in blocks[1:]]
    data = gzi.read_bytes()
    count = struct.unpack("<Q", data[:8])[0]
    if len(data) != 8 + 16 * count:
        return f"{gzi}: the .gzi is truncated ({len(data)} bytes for {count} entries): {fix}"
    have = [struct.unpack("<QQ", data[8 + 16 * i : 24 + 16 * i]) for i in range(count)]
    if have != want:
        pairs = enumerate(zip(have, want, strict=False))
        first = next((i for i, (a, b) in pairs if a != b), min(len(have), len(want)))
        return (
            f"{gzi}: the .gzi does not match the FASTA's BGZF blocks ({count} entries, the FASTA has "
            f"{len(want)}; first difference at entry {first}): random access would return wrong bases; {fix}"
        )
    return None


@contextmanager
def open_fasta(fasta: Path) -> Iterator[pysam.FastaFile]:
    """Random access to a FASTA without writing beside it: with its own ``.fai`` (and ``.gzi`` when BGZF),
    else with indexes htslib builds in a temporary folder (a bundle may ship its FASTA without indexes:
    the workflow's ``prepare_fasta`` derives them)."""
    indexed = Path(f"{fasta}.fai").is_file()
    if indexed and (compression(fasta) != "bgzf" or Path(f"{fasta}.gzi").is_file()):
        with pysam.FastaFile(str(fasta)) as handle:
            yield handle
        return
    with tempfile.TemporaryDirectory(prefix="clinwgs-fasta-") as tmp:
        link = Path(tmp) / fasta.name
        link.symlink_to(fasta.resolve())
        with pysam.FastaFile(str(link)) as handle:
            yield handle


def _revcomp(seq: str) -> str:
    return seq[::-1].translate(str.maketrans("ACGTNacgtn", "TGCANtgcan"))


def gff3_problems(gff3: Path, lengths: dict[str, int], fasta: pysam.FastaFile) -> list[str]:
    """Gene models must lie on this FASTA's contigs and inside them, and their CDS must start with ATG."""
    problems: list[str] = []
    first_cds: dict[str, tuple[str, int, int, str]] = {}  # transcript -> (contig, start1, end1, strand)
    if compression(gff3) != "none":
        return [f"{gff3}: the GFF3 is compressed; give it uncompressed (`gunzip -k {gff3}`)"]
    with gff3.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 9 or not (cols[3].isdigit() and cols[4].isdigit()):
                problems.append(f"{gff3} line {number}: not a GFF3 feature line (9 tab-separated columns)")
                break
            contig, kind, start, end, strand = cols[0], cols[2], int(cols[3]), int(cols[4]), cols[6]
            if contig not in lengths:
                problems.append(
                    f"{gff3} line {number}: contig {contig!r} is not in the FASTA ("
                    f"{', '.join(list(lengths)[:4])}): gene models of another assembly or naming (chr17/17)"
                )
                break
            if end > lengths[contig]:
                problems.append(
                    f"{gff3} line {number}: {kind} ends at {end:,}, beyond {contig} "
                    f"({lengths[contig]:,} bp): gene models of another build"
                )
                break
            if kind == "CDS":
                parent = next((a[7:] for a in cols[8].split(";") if a.startswith("Parent=")), "")
                known = first_cds.get(parent)
                if known is None or (start < known[1] if strand == "+" else end > known[2]):
                    first_cds[parent] = (contig, start, end, strand)
    if problems:
        return problems
    if not first_cds:
        return [f"{gff3}: no CDS features: the report cannot name variants (c./p.) without coding models"]
    atg = 0
    for contig, start, end, strand in first_cds.values():
        codon = fasta.fetch(contig, start - 1, start + 2) if strand == "+" else _revcomp(
            fasta.fetch(contig, end - 3, end)
        )
        atg += codon.upper() == "ATG"
    if atg / len(first_cds) < START_CODON_MIN_FRACTION:
        problems.append(
            f"{gff3}: only {atg} of {len(first_cds)} coding transcripts start with ATG in this FASTA: the "
            "gene models belong to another build or sequence; use gene models made on this FASTA"
        )
    return problems


def vcf_problems(vcf: Path, what: str, lengths: dict[str, int], fasta: pysam.FastaFile) -> list[str]:
    """BGZF + tabix index, contigs of the FASTA, and REF alleles that match it."""
    problem = bgzf_problem(vcf, what)
    if problem:
        return [problem]
    if not Path(f"{vcf}.tbi").is_file() and not Path(f"{vcf}.csi").is_file():
        return [f"{vcf}: {what} has no tabix index: run `tabix -p vcf {vcf}`"]
    checked = mismatched = 0
    try:
        with pysam.VariantFile(str(vcf)) as handle:
            for record in handle.fetch():
                if record.chrom not in lengths:
                    return [
                        f"{vcf}: {what} has records on contig {record.chrom!r}, which the FASTA lacks "
                        f"({', '.join(list(lengths)[:4])}): another build or contig naming"
                    ]
                if record.stop > lengths[record.chrom]:
                    return [f"{vcf}: {what} record {record.chrom}:{record.pos} lies beyond the contig's end"]
                ref = fasta.fetch(record.chrom, record.start, record.stop).upper()
                checked += 1
                mismatched += ref != (record.ref or "").upper() and "N" not in ref
                if checked >= VCF_REF_CHECKED:
                    break
    except (OSError, ValueError) as exc:
        return [f"{vcf}: {what} is not a readable VCF ({exc})"]
    if checked and mismatched / checked > VCF_REF_MAX_MISMATCH:
        return [
            f"{vcf}: {what}: {mismatched} of the first {checked} REF alleles differ from the FASTA: the VCF "
            "belongs to another build; use one made on this assembly"
        ]
    return []
