"""Seeded paired-end read simulator for positive controls and accuracy benchmarks (``clinwgs simulate``).

Model (deliberately simple and documented, so a control's expected result is unambiguous):
- two haplotypes are built from a reference region and the sample's genotypes in a VCF (SNVs, MNVs and
  indels; phased ``0|1`` GTs put the ALT on the haplotype given, unphased hets are assigned to a haplotype
  by the seeded generator; a variant overlapping an earlier one on the same haplotype is skipped and counted);
- fragments: haplotype chosen with probability 1/2, length ~ N(insert_mean, insert_sd) clipped to
  [read_length, 3 x insert_mean], start uniform on the haplotype, strand 1/2; fragments containing N dropped;
- reads: R1 from the fragment's 5' end, R2 the reverse complement of its 3' end (swapped for minus-strand
  fragments); substitution errors at ``error_rate`` per base (uniform over the three other bases); every
  base quality is the calibrated Phred value of that rate (Q30 for 0.1 %);
- names ``<sample>:<n>:h<hap>:<pos1><strand>`` with ``/1`` and ``/2`` (pos1: fragment start on the haplotype
  plus the region start, i.e. the reference position before the first indel); gzip with mtime 0, no name,
  so the same inputs and seed give byte-identical files (with the same zlib; the FASTQ text is identical
  everywhere). numpy's PCG64 generator is used throughout.

Coordinates: ``--region`` is 1-based inclusive (``chr17:43044294-43125483``); ``start0`` is 0-based.
"""

from __future__ import annotations

import gzip
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pysam

from clinwgs.core.errors import ConfigError, InputIntegrityError, ReferenceMismatchError
from clinwgs.core.io import write_text_atomic

Codes = npt.NDArray[np.uint8]
BASES = b"ACGTN"
_ENCODE = np.full(256, 4, dtype=np.uint8)
for _i, _b in enumerate(b"ACGT"):
    _ENCODE[_b] = _i
    _ENCODE[ord(chr(_b).lower())] = _i
_COMPLEMENT = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_ASCII = np.frombuffer(BASES, dtype=np.uint8)
REGION_RE = re.compile(r"^(?P<chrom>[^:\s]+):(?P<start>[0-9,]+)-(?P<end>[0-9,]+)$")
CHUNK_PAIRS = 50_000


@dataclass(frozen=True)
class Region:
    chrom: str
    start0: int  # 0-based inclusive
    end0: int  # 0-based exclusive

    @property
    def length(self) -> int:
        return self.end0 - self.start0

    def __str__(self) -> str:
        return f"{self.chrom}:{self.start0 + 1}-{self.end0}"


@dataclass(frozen=True)
class SimParams:
    depth: float = 30.0
    seed: int = 1
    read_length: int = 150
    insert_mean: float = 350.0
    insert_sd: float = 50.0
    error_rate: float = 0.001


@dataclass
class Variant:
    pos1: int
    ref: str
    alt: str
    var_id: str
    haplotypes: tuple[int, ...]  # which of (0, 1) carry the ALT
    movable: bool = False  # unphased het: may move to the other haplotype to avoid an overlap
    symbolic: tuple[str, str, str] | None = None  # structural variant: REF, ALT, INFO of its truth record


@dataclass
class Haplotypes:
    seqs: tuple[Codes, Codes]
    applied: list[Variant] = field(default_factory=list)
    skipped: list[tuple[Variant, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SimulationResult:
    r1: Path
    r2: Path
    truth_vcf: Path
    pairs: int
    applied: int
    skipped: int


def parse_region(text: str) -> Region:
    """``chr17:43044294-43125483`` (1-based inclusive) -> Region(chrom, start0, end0)."""
    m = REGION_RE.match(text.strip())
    if not m:
        raise ConfigError([f"--region {text!r}: expected CHROM:START-END, 1-based inclusive"])
    start1, end1 = int(m["start"].replace(",", "")), int(m["end"].replace(",", ""))
    if start1 < 1 or end1 < start1:
        raise ConfigError([f"--region {text!r}: START must be >= 1 and <= END"])
    return Region(m["chrom"], start1 - 1, end1)


def encode(seq: bytes) -> Codes:
    """ASCII bases -> codes 0..4 (A, C, G, T, anything else N)."""
    return _ENCODE[np.frombuffer(seq, dtype=np.uint8)]


def decode(codes: Codes) -> Codes:
    return _ASCII[codes]


def contig_length(fasta: Path, chrom: str) -> int:
    with pysam.FastaFile(str(fasta)) as handle:
        return int(handle.get_reference_length(chrom))


def load_region(fasta: Path, region: Region) -> Codes:
    if not fasta.is_file():
        raise InputIntegrityError("reference FASTA not found", path=fasta)
    try:
        with pysam.FastaFile(str(fasta)) as handle:
            lengths = dict(zip(handle.references, handle.lengths, strict=True))
            if region.chrom not in lengths:
                raise ReferenceMismatchError(f"contig {region.chrom} is not in the reference", path=fasta)
            if region.end0 > lengths[region.chrom]:
                raise ReferenceMismatchError(
                    f"region {region} runs past the end of {region.chrom} ({lengths[region.chrom]} bp)",
                    path=fasta,
                )
            seq = handle.fetch(region.chrom, region.start0, region.end0)
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read reference FASTA: {exc}", path=fasta) from exc
    return encode(seq.encode("ascii"))


def _alt_haplotypes(
    gt: tuple[int | None, ...], phased: bool, alt_index: int, rng: np.random.Generator
) -> tuple[int, ...]:
    if len(gt) == 1:  # haploid call: same allele on both copies
        return (0, 1) if gt[0] == alt_index else ()
    carriers = tuple(h for h, allele in enumerate(gt[:2]) if allele == alt_index)
    if phased or len(carriers) != 1:
        return carriers
    return (int(rng.integers(0, 2)),)


def read_variants(
    vcf: Path, region: Region, sample: str | None, rng: np.random.Generator, contig_length: int | None = None
) -> list[Variant]:
    """Variants with a non-reference genotype for `sample` inside `region`, sorted by position.

    Refuses a VCF whose header lacks the region's contig or gives it fewer bases than the FASTA has
    (`contig_length`): a VCF of another build would otherwise yield a control without its variants."""
    if not vcf.is_file():
        raise InputIntegrityError("variants VCF not found", path=vcf)
    try:
        handle = pysam.VariantFile(str(vcf))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read variants VCF: {exc}", path=vcf) from exc
    with handle:
        samples = list(handle.header.samples)
        name = _pick_sample(samples, sample, vcf)
        contigs = sorted(str(c) for c in handle.header.contigs)
        # e.g. chr17 against 17: never simulate a control that silently lacks its variants
        if contigs and region.chrom not in contigs:
            raise ReferenceMismatchError(
                f"contig {region.chrom} is not in the VCF header (has {', '.join(contigs[:5])} ...)",
                path=vcf,
            )
        header_length = handle.header.contigs[region.chrom].length if contigs else None
        # shorter in the VCF than in the FASTA: another build (a FASTA that is a prefix slice is fine)
        if contig_length and header_length and header_length < contig_length:
            raise ReferenceMismatchError(
                f"contig {region.chrom} is {header_length} bp in the VCF header but {contig_length} bp "
                "in the reference FASTA: the VCF is on another build",
                path=vcf,
            )
        try:
            records = handle.fetch(region.chrom, region.start0, region.end0) if handle.index else handle
            return sorted(_variants(records, region, name, rng, vcf), key=lambda v: v.pos1)
        except (OSError, ValueError) as exc:
            raise InputIntegrityError(f"cannot read variants VCF: {exc}", path=vcf) from exc


def _pick_sample(samples: list[str], sample: str | None, vcf: Path) -> str:
    if sample in samples:
        return sample
    if len(samples) == 1:
        return samples[0]
    raise InputIntegrityError(
        f"cannot choose the genotype column: samples {samples}; pass --vcf-sample", path=vcf, sample=sample
    )


def _variants(
    records: Iterator[pysam.VariantRecord] | pysam.VariantFile,
    region: Region,
    name: str,
    rng: np.random.Generator,
    vcf: Path,
) -> Iterator[Variant]:
    for rec in records:
        if rec.chrom != region.chrom or rec.start < region.start0 or rec.stop > region.end0:
            continue
        call = rec.samples[name]
        gt = tuple(call.get("GT") or ())
        for index, alt in enumerate(rec.alts or (), start=1):
            if not re.fullmatch(r"[ACGTacgt]+", alt) or not re.fullmatch(r"[ACGTNacgtn]+", rec.ref or ""):
                continue  # symbolic (<DEL>), '*' or breakend: not simulated
            phased = bool(call.phased)
            haps = _alt_haplotypes(gt, phased, index, rng)
            if haps:
                movable = not phased and len(gt) == 2 and len(haps) == 1
                yield Variant(rec.pos, str(rec.ref).upper(), alt.upper(), rec.id or ".", haps, movable)


def build_haplotypes(ref: Codes, region: Region, variants: list[Variant], vcf: Path | None) -> Haplotypes:
    """Apply each variant to the haplotypes that carry it; REF must match the reference."""
    pieces: tuple[list[Codes], list[Codes]] = ([], [])
    cursor = [0, 0]
    result = Haplotypes(seqs=(ref, ref))
    for var in variants:
        offset = var.pos1 - 1 - region.start0
        if not np.array_equal(ref[offset : offset + len(var.ref)], encode(var.ref.encode())):
            raise ReferenceMismatchError(
                f"{region.chrom}:{var.pos1} REF {var.ref} does not match the reference "
                f"({decode(ref[offset : offset + len(var.ref)]).tobytes().decode()})",
                path=vcf,
            )
        if var.movable and offset < cursor[var.haplotypes[0]] and offset >= cursor[1 - var.haplotypes[0]]:
            var.haplotypes = (1 - var.haplotypes[0],)
        used = [h for h in var.haplotypes if offset >= cursor[h]]
        if len(used) < len(var.haplotypes):
            result.skipped.append((var, "overlaps an earlier variant on the same haplotype"))
            continue
        for h in used:
            pieces[h].extend([ref[cursor[h] : offset], encode(var.alt.encode())])
            cursor[h] = offset + len(var.ref)
        result.applied.append(var)
    seqs = tuple(np.concatenate([*pieces[h], ref[cursor[h] :]]) for h in (0, 1))
    result.seqs = (seqs[0], seqs[1])
    return result


def _fragments(
    rng: np.random.Generator, lengths: tuple[int, int], n: int, p: SimParams
) -> npt.NDArray[np.int64]:
    """(n, 4) array: haplotype, start0 on it, fragment length, strand (0 plus, 1 minus)."""
    hap = rng.integers(0, 2, size=n)
    frag = np.rint(rng.normal(p.insert_mean, p.insert_sd, size=n)).astype(np.int64)
    frag = np.clip(frag, p.read_length, int(3 * p.insert_mean))
    span = np.array(lengths, dtype=np.int64)[hap] - frag + 1
    if (span < 1).any():
        raise ConfigError([f"region is shorter than a fragment ({int(frag.max())} bp); widen --region"])
    start = np.floor(rng.random(n) * span).astype(np.int64)
    strand = rng.integers(0, 2, size=n)
    return np.stack([hap, start, frag, strand], axis=1)


def _gather(seqs: tuple[Codes, Codes], frags: npt.NDArray[np.int64], length: int) -> tuple[Codes, Codes]:
    """Forward-strand first and last `length` bases of each fragment."""
    head = np.empty((len(frags), length), dtype=np.uint8)
    tail = np.empty_like(head)
    cols = np.arange(length)
    for h in (0, 1):
        rows = np.nonzero(frags[:, 0] == h)[0]
        starts = frags[rows, 1]
        head[rows] = seqs[h][starts[:, None] + cols]
        tail[rows] = seqs[h][(starts + frags[rows, 2] - length)[:, None] + cols]
    return head, tail


def _add_errors(reads: Codes, rate: float, rng: np.random.Generator) -> Codes:
    hits = rng.random(reads.shape) < rate
    shift = rng.integers(1, 4, size=reads.shape, dtype=np.uint8)
    out = reads.copy()
    out[hits] = (reads[hits] + shift[hits]) % 4
    return out


def _reads(
    seqs: tuple[Codes, Codes], frags: npt.NDArray[np.int64], p: SimParams, rng: np.random.Generator
) -> tuple[Codes, Codes]:
    head, tail = _gather(seqs, frags, p.read_length)
    tail_rc = _COMPLEMENT[tail][:, ::-1]
    minus = frags[:, 3].astype(bool)[:, None]
    r1 = np.where(minus, tail_rc, head)
    r2 = np.where(minus, head, tail_rc)
    return _add_errors(r1, p.error_rate, rng), _add_errors(r2, p.error_rate, rng)


def phred_char(rate: float) -> bytes:
    q = max(2, min(41, round(-10 * math.log10(rate)))) if rate > 0 else 41
    return bytes([33 + q])


def _fastq_block(names: list[bytes], reads: Codes, mate: bytes, qual: bytes) -> bytes:
    seqs = decode(reads)
    return b"".join(
        b"@%s/%s\n%s\n+\n%s\n" % (n, mate, s.tobytes(), qual) for n, s in zip(names, seqs, strict=True)
    )


def _names(sample: str, first: int, frags: npt.NDArray[np.int64], offsets: tuple[int, int]) -> list[bytes]:
    out = []
    for i, (hap, start, _, strand) in enumerate(frags.tolist(), start=first):
        out.append(
            b"%s:%d:h%d:%d%s"
            % (sample.encode(), i, hap + 1, start + offsets[hap] + 1, b"-" if strand else b"+")
        )
    return out


def _open_gz(path: Path) -> gzip.GzipFile:
    return gzip.GzipFile(filename="", mode="wb", fileobj=path.open("wb"), compresslevel=1, mtime=0)


def pair_count(region_length: int, p: SimParams) -> int:
    return max(1, round(p.depth * region_length / (2 * p.read_length)))


def write_reads(
    haps: Haplotypes, region: Region, sample: str, out_prefix: Path, p: SimParams, rng: np.random.Generator
) -> tuple[Path, Path, int]:
    """Write R1/R2 gzip FASTQ (temp names, renamed when complete); return the paths and pair count."""
    r1, r2 = Path(f"{out_prefix}.R1.fastq.gz"), Path(f"{out_prefix}.R2.fastq.gz")
    tmp1, tmp2 = r1.with_name(r1.name + ".tmp"), r2.with_name(r2.name + ".tmp")
    lengths = (len(haps.seqs[0]), len(haps.seqs[1]))
    total = pair_count(region.length, p)
    qual = phred_char(p.error_rate) * p.read_length
    written = emitted = 0
    offset = (region.start0, region.start0)  # names show haplotype coordinates shifted to the region start
    try:
        with _open_gz(tmp1) as fh1, _open_gz(tmp2) as fh2:
            while written < total:
                n = min(CHUNK_PAIRS, total - written)
                frags = _fragments(rng, lengths, n, p)
                frags = frags[_no_n(haps.seqs, frags)]
                reads1, reads2 = _reads(haps.seqs, frags, p, rng)
                names = _names(sample, written + 1, frags, offset)
                fh1.write(_fastq_block(names, reads1, b"1", qual))
                fh2.write(_fastq_block(names, reads2, b"2", qual))
                written += n
                emitted += len(frags)
        os.replace(tmp1, r1)
        os.replace(tmp2, r2)
    finally:
        for tmp in (tmp1, tmp2):
            tmp.unlink(missing_ok=True)
    return r1, r2, emitted


def _no_n(seqs: tuple[Codes, Codes], frags: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Mask of fragments without N bases (prefix sums of N per haplotype)."""
    keep = np.ones(len(frags), dtype=bool)
    for h in (0, 1):
        ncum = np.concatenate([[0], np.cumsum(seqs[h] == 4)])
        rows = np.nonzero(frags[:, 0] == h)[0]
        s = frags[rows, 1]
        keep[rows] = ncum[s + frags[rows, 2]] == ncum[s]
    return keep


SV_TRUTH_HEADER = [
    '##ALT=<ID=DEL,Description="Deletion">',
    '##ALT=<ID=DUP,Description="Tandem duplication">',
    '##ALT=<ID=INV,Description="Inversion">',
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="Last reference base affected">',
    '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length of the variant (negative for deletions)">',
]


def write_truth(haps: Haplotypes, region: Region, sample: str, path: Path, length: int | None = None) -> None:
    """VCF of the variants actually put into the reads, phased as simulated (the truth for this sample)."""
    lines = [
        "##fileformat=VCFv4.2",
        "##source=clinwgs simulate (SIMULATED reads; truth of what was applied)",
        f"##contig=<ID={region.chrom},length={length}>" if length else f"##contig=<ID={region.chrom}>",
        *(SV_TRUTH_HEADER if any(v.symbolic for v in haps.applied) else []),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]),
    ]
    for v in haps.applied:
        gt = "|".join("1" if h in v.haplotypes else "0" for h in (0, 1))
        ref, alt, info = v.symbolic or (v.ref, v.alt, ".")
        lines.append("\t".join([region.chrom, str(v.pos1), v.var_id, ref, alt, ".", "PASS", info, "GT", gt]))
    write_text_atomic(path, "\n".join(lines) + "\n")


def simulate(
    reference: Path,
    region: Region,
    variants: Path | None,
    sample: str,
    out_prefix: Path,
    params: SimParams,
    vcf_sample: str | None = None,
    structural: Callable[[Codes, Region], list[Variant]] | None = None,
) -> SimulationResult:
    """Simulate `params.depth`x paired reads of `sample` over `region`; see the module docstring.
    ``structural`` gives the structural variants (clinwgs.validation.simulate_sv.sv_variants)."""
    rng = np.random.default_rng(params.seed)
    ref = load_region(reference, region)
    length = contig_length(reference, region.chrom)
    var_list = read_variants(variants, region, vcf_sample or sample, rng, length) if variants else []
    if structural is not None:
        var_list = sorted([*var_list, *structural(ref, region)], key=lambda v: v.pos1)
    haps = build_haplotypes(ref, region, var_list, variants)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    r1, r2, pairs = write_reads(haps, region, sample, out_prefix, params, rng)
    truth = Path(f"{out_prefix}.truth.vcf")
    write_truth(haps, region, sample, truth, length)
    return SimulationResult(r1, r2, truth, pairs, len(haps.applied), len(haps.skipped))


PC001_REGION = "chr17:43044294-43125483"  # the real (non-N) BRCA1 bases of reference/GRCh38_BRCA1


def simulate_positive_control(
    repo: Path, out_prefix: Path, params: SimParams | None = None
) -> SimulationResult:
    """Demo positive control PC001: 30x (seed 1) over BRCA1, het c.68_69delAG (see reference/README.md)."""
    fasta = repo / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
    variants = repo / "reference" / "demo_reads" / "PC001.variants.vcf"
    return simulate(fasta, parse_region(PC001_REGION), variants, "PC001", out_prefix, params or SimParams())


def check_params(p: SimParams, sample: str) -> None:
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{2,63}", sample):
        problems.append(
            f"--sample-id {sample!r}: expected a pseudonymous ID matching ^[A-Za-z0-9][A-Za-z0-9_-]{{2,63}}$"
        )
    if not 0 < p.depth <= 1000:
        problems.append(f"--depth {p.depth}: must be > 0 and <= 1000")
    if not 0 <= p.error_rate < 0.5:
        problems.append(f"--error-rate {p.error_rate}: must be in [0, 0.5)")
    if p.read_length < 20 or p.insert_mean < p.read_length or p.insert_sd < 0:
        problems.append(
            "--read-length >= 20, --insert-mean >= --read-length and --insert-sd >= 0 are required"
        )
    if problems:
        raise ConfigError(problems)
