"""Generate the binary cases of the malformed-input corpus (seeded, deterministic, a few kB each).

    python tests/data/bad/make_corpus.py OUT_DIR [--seed 20261122]

Everything is cut from real reads shipped with the project (reference/demo_reads/HG00096.BRCA1.GRCh38.bam,
1000 Genomes, see reference/PROVENANCE.tsv) and then damaged in one specific way. Text cases are static files
next to this script; only what cannot be a small static file (gzip/BGZF damage, BAM/CRAM) is made here.
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SOURCE_BAM = REPO / "reference" / "demo_reads" / "HG00096.BRCA1.GRCh38.bam"
SOURCE_FASTA = REPO / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
N_PAIRS = 60


def sh(*args: str, stdout: Path | None = None) -> None:
    with open(stdout, "wb") if stdout else open("/dev/null", "wb") as out:
        subprocess.run(args, check=True, stdout=out, stderr=subprocess.DEVNULL)


def bgzf_blocks(data: bytes) -> list[tuple[int, int]]:
    """(offset, size) of every BGZF block (BSIZE from the BC extra subfield)."""
    blocks, at = [], 0
    while at < len(data):
        xlen = struct.unpack_from("<H", data, at + 10)[0]
        bsize = struct.unpack_from("<H", data, at + 16)[0] + 1 if xlen >= 6 else None
        if bsize is None:
            raise ValueError("not BGZF")
        blocks.append((at, bsize))
        at += bsize
    return blocks


def corrupt_middle_block(src: Path, dst: Path, rng: random.Random) -> None:
    """Flip bytes inside the deflate payload of a middle block: header and EOF block stay intact."""
    data = bytearray(src.read_bytes())
    blocks = bgzf_blocks(bytes(data))
    offset, size = blocks[len(blocks) // 2]
    for _ in range(8):
        data[offset + 18 + rng.randrange(20, size - 40)] ^= 0xFF
    dst.write_bytes(bytes(data))


def fastq_pairs(out: Path) -> tuple[list[bytes], list[bytes]]:
    """The first N_PAIRS complete pairs of the source BAM as FASTQ records (name-sorted, deterministic)."""
    tmp = out / "_pairs"
    tmp.mkdir(exist_ok=True)
    sh("samtools", "sort", "-n", "-o", str(tmp / "byname.bam"), str(SOURCE_BAM))
    sh(
        "samtools",
        "fastq",
        "-N",
        "-1",
        str(tmp / "r1.fq"),
        "-2",
        str(tmp / "r2.fq"),
        "-0",
        "/dev/null",
        "-s",
        "/dev/null",
        str(tmp / "byname.bam"),
    )
    r1, r2 = ((tmp / f"r{i}.fq").read_bytes().splitlines(keepends=True) for i in (1, 2))
    shutil.rmtree(tmp)
    recs = [b"".join(r1[i : i + 4]) for i in range(0, 4 * N_PAIRS, 4)]
    mates = [b"".join(r2[i : i + 4]) for i in range(0, 4 * N_PAIRS, 4)]
    return recs, mates


def write_gz(path: Path, records: list[bytes]) -> None:
    path.write_bytes(gzip.compress(b"".join(records), mtime=0))


def make_fastq_cases(out: Path, rng: random.Random) -> None:
    r1, r2 = fastq_pairs(out)
    write_gz(out / "good.R1.fastq.gz", r1)
    write_gz(out / "good.R2.fastq.gz", r2)
    whole = (out / "good.R1.fastq.gz").read_bytes()
    (out / "truncated.R1.fastq.gz").write_bytes(whole[: len(whole) * 3 // 5])
    damaged = bytearray(whole)
    for _ in range(4):
        damaged[rng.randrange(len(whole) // 3, 2 * len(whole) // 3)] ^= 0x55
    (out / "crc.R1.fastq.gz").write_bytes(bytes(damaged))
    write_gz(out / "short.R2.fastq.gz", r2[:-1])
    swapped = list(r2)
    swapped[10], swapped[11] = swapped[11], swapped[10]
    write_gz(out / "swapped.R2.fastq.gz", swapped)
    bad = list(r1)
    head, seq, plus, qual = bad[6].splitlines(keepends=True)
    bad[6] = head + seq + plus + qual[:-6] + b"\n"
    write_gz(out / "seqqual.R1.fastq.gz", bad)
    (out / "plain.R1.fastq.gz").write_bytes(b"".join(r1))
    write_gz(out / "iupac.R1.fastq.gz", _with_line(r1, 4, 1, lambda s: b"R" + s[1:]))  # IUPAC code R
    write_gz(out / "qual.R1.fastq.gz", _with_line(r1, 9, 3, lambda q: b" " + q[1:]))  # quality byte 32
    write_gz(out / "noat.R1.fastq.gz", _with_line(r1, 2, 0, lambda h: b">" + h[1:]))  # FASTA-style header
    p64 = [_set_line(r, 3, bytes(min(c + 31, 104) for c in r.splitlines()[3])) for r in r2]
    write_gz(out / "p64.R2.fastq.gz", p64)  # every quality shifted to Phred+64
    (out / "copy.R2.fastq.gz").write_bytes(whole)  # byte-identical copy of R1 under the R2 name
    write_gz(out / "empty.R1.fastq.gz", [])
    (out / "empty.R2.fastq.gz").write_bytes(gzip.compress(b"", mtime=1))  # empty too, other bytes than R1
    # path confinement: with input_roots [confined/], a symbolic link in it that leads to a file outside
    confined = out / "confined"
    confined.mkdir(exist_ok=True)
    shutil.copyfile(out / "good.R2.fastq.gz", confined / "good.R2.fastq.gz")
    (confined / "link.R1.fastq.gz").symlink_to(Path("..") / "good.R1.fastq.gz")


def _set_line(record: bytes, index: int, new: bytes) -> bytes:
    lines = record.splitlines(keepends=True)
    lines[index] = new + b"\n"
    return b"".join(lines)


def _with_line(records: list[bytes], n: int, index: int, change: Callable[[bytes], bytes]) -> list[bytes]:
    """A copy of ``records`` where line ``index`` of record ``n`` is ``change``d."""
    copy = list(records)
    copy[n] = _set_line(copy[n], index, change(copy[n].splitlines()[index]))
    return copy


def make_alignment_cases(out: Path, rng: random.Random) -> None:
    good = out / "good.bam"
    sh("samtools", "view", "-b", "--no-PG", "-o", str(good), str(SOURCE_BAM))
    corrupt_middle_block(good, out / "corrupt_middle.bam", rng)
    data = good.read_bytes()
    (out / "truncated.bam").write_bytes(data[: len(data) // 2])
    sh("samtools", "view", "-H", "-b", "--no-PG", "-o", str(out / "header_only.bam"), str(SOURCE_BAM))
    header = subprocess.run(
        ["samtools", "view", "-H", "--no-PG", str(SOURCE_BAM)], check=True, capture_output=True, text=True
    ).stdout
    (out / "grch37_header.sam").write_text(header.replace("LN:83257441", "LN:81195210"))  # GRCh37 chr17
    sh(
        "samtools",
        "reheader",
        "--no-PG",
        str(out / "grch37_header.sam"),
        str(good),
        stdout=out / "other_ref.bam",
    )
    (out / "grch37_header.sam").unlink()
    # sample identity: no read groups, read groups of another sample, read groups of two samples
    rg_lines = [ln for ln in header.splitlines() if ln.startswith("@RG")]
    other = [ln.replace("SM:HG00096", "SM:HG00097") for ln in rg_lines]
    two = [other[0], *rg_lines[1:]]
    variants = {"no_rg.bam": [], "other_sample.bam": other, "two_samples.bam": two}
    plain = [ln for ln in header.splitlines() if not ln.startswith("@RG")]
    for name, groups in variants.items():
        (out / "rg_header.sam").write_text("\n".join(plain + groups) + "\n")
        sh("samtools", "reheader", "--no-PG", str(out / "rg_header.sam"), str(good), stdout=out / name)
    (out / "rg_header.sam").unlink()
    (out / "not_bam.bam").write_text(header)  # SAM text under a .bam name
    cram = out / "good.cram"
    sh("samtools", "view", "-C", "--no-PG", "-T", str(SOURCE_FASTA), "-o", str(cram), str(SOURCE_BAM))
    cdata = cram.read_bytes()
    (out / "truncated.cram").write_bytes(cdata[: len(cdata) * 2 // 3])
    cram.unlink()
    good.unlink()


def make_vcf_cases(out: Path) -> None:
    here = Path(__file__).resolve().parent
    src = out / "valid.vcf"
    src.write_text((here / "vcf_valid_template.vcf").read_text())
    sh("bgzip", "-f", str(src))
    data = (out / "valid.vcf.gz").read_bytes()
    (out / "truncated.vcf.gz").write_bytes(data[: len(data) // 2])
    (out / "valid.vcf.gz").unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    make_fastq_cases(args.out, rng)
    make_alignment_cases(args.out, rng)
    make_vcf_cases(args.out)


if __name__ == "__main__":
    main()
