"""clinwgs simulate: determinism, haplotypes carrying the variants, fragment/read model, errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from clinwgs import cli
from clinwgs.core.errors import ConfigError, ReferenceMismatchError
from clinwgs.validation.simulate import (
    Region,
    SimParams,
    Variant,
    build_haplotypes,
    decode,
    encode,
    parse_region,
    simulate,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "brca1_slice"
SLICE_FA = DATA / "brca1_slice.fa"
SLICE_VCF = DATA / "brca1_slice.variants.vcf"
SLICE = Region("brca1_slice", 0, 20_000)
_RC = bytes.maketrans(b"ACGTN", b"TGCAN")


def revcomp(seq: bytes) -> bytes:
    return seq.translate(_RC)[::-1]


def read_fastq(path: Path) -> list[tuple[bytes, bytes, bytes]]:
    lines = gzip.decompress(path.read_bytes()).split(b"\n")
    return [(lines[i], lines[i + 1], lines[i + 3]) for i in range(0, len(lines) - 1, 4)]


def slice_seq() -> bytes:
    return b"".join(SLICE_FA.read_bytes().split(b"\n")[1:])


def run(tmp: Path, name: str, params: SimParams, variants: Path | None = SLICE_VCF) -> tuple[Path, Path]:
    res = simulate(SLICE_FA, SLICE, variants, "SLICE01", tmp / name, params)
    return res.r1, res.r2


def test_parse_region_is_one_based_inclusive() -> None:
    assert parse_region("chr17:43,044,294-43125483") == Region("chr17", 43044293, 43125483)
    for bad in ("chr17", "chr17:10-5", "chr17:0-5", "chr17:a-b"):
        with pytest.raises(ConfigError):
            parse_region(bad)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a = run(tmp_path, "a", SimParams(depth=5, seed=3))
    b = run(tmp_path, "b", SimParams(depth=5, seed=3))
    c = run(tmp_path, "c", SimParams(depth=5, seed=4))
    assert a[0].read_bytes() == b[0].read_bytes() and a[1].read_bytes() == b[1].read_bytes()
    assert a[0].read_bytes() != c[0].read_bytes()


def test_committed_fixture_is_reproducible(tmp_path: Path) -> None:
    r1, r2 = run(tmp_path, "SLICE01", SimParams(depth=5, seed=7))
    # records, not gzip bytes: another zlib build (e.g. zlib-ng) may deflate the same text differently
    for ours, committed in ((r1, "SLICE01.R1.fastq.gz"), (r2, "SLICE01.R2.fastq.gz")):
        assert gzip.decompress(ours.read_bytes()) == gzip.decompress((DATA / committed).read_bytes())


def test_mates_pair_up_with_names_lengths_and_qualities(tmp_path: Path) -> None:
    r1, r2 = run(tmp_path, "m", SimParams(depth=5, seed=1, read_length=100))
    reads1, reads2 = read_fastq(r1), read_fastq(r2)
    assert len(reads1) == len(reads2) == 500  # 5x * 20 kb / (2 * 100)
    for (n1, s1, q1), (n2, s2, q2) in zip(reads1, reads2, strict=True):
        assert n1.endswith(b"/1") and n2.endswith(b"/2") and n1[:-2] == n2[:-2]
        assert n1.startswith(b"@SLICE01:")
        assert len(s1) == len(q1) == len(s2) == len(q2) == 100
        assert set(q1) == {33 + 30}  # Phred 30 = the 0.1 % error rate
    assert len({n for n, _, _ in reads1}) == len(reads1)


def test_reads_match_the_reference_at_the_error_rate(tmp_path: Path) -> None:
    """No variants: each R1 equals the reference at the position in its name, except for errors."""
    ref = slice_seq()
    r1, _ = run(tmp_path, "e", SimParams(depth=20, seed=2, error_rate=0.01), variants=None)
    mismatches = bases = 0
    for name, seq, _ in read_fastq(r1):
        hap_pos = name.split(b":")[3].split(b"/")[0]
        strand, pos1 = hap_pos[-1:], int(hap_pos[:-1])
        if strand == b"+":
            truth = ref[pos1 - 1 : pos1 - 1 + len(seq)]
            mismatches += sum(a != b for a, b in zip(seq, truth, strict=True))
            bases += len(seq)
    assert bases > 100_000
    assert 0.008 < mismatches / bases < 0.012


def test_insert_sizes_follow_the_model(tmp_path: Path) -> None:
    ref = slice_seq()
    r1, r2 = run(tmp_path, "i", SimParams(depth=20, seed=5, error_rate=0.0), variants=None)
    sizes = []
    for (name, s1, _), (_, s2, _) in zip(read_fastq(r1), read_fastq(r2), strict=True):
        if name.split(b"/")[0].endswith(b"+"):
            start, end = ref.find(s1), ref.find(revcomp(s2))
            if start >= 0 and end >= 0:
                sizes.append(end + len(s2) - start)
    arr = np.array(sizes)
    assert len(arr) > 500
    assert 340 < arr.mean() < 360 and 42 < arr.std() < 58


def allele_counts(
    reads: list[tuple[bytes, bytes, bytes]], ref_kmer: bytes, alt_kmer: bytes
) -> tuple[int, int]:
    seqs = [s for _, s, _ in reads]
    n_ref = sum(ref_kmer in s or revcomp(ref_kmer) in s for s in seqs)
    n_alt = sum(alt_kmer in s or revcomp(alt_kmer) in s for s in seqs)
    return n_ref, n_alt


@pytest.mark.parametrize(
    ("pos1", "ref", "alt", "zygosity"),
    [
        (1487, b"A", b"C", "het"),
        (7347, b"A", b"G", "hom"),
        (10729, b"C", b"CA", "het"),
        (19027, b"ACT", b"A", "het"),
    ],
)
def test_haplotypes_carry_the_variants(
    tmp_path: Path, pos1: int, ref: bytes, alt: bytes, zygosity: str
) -> None:
    seq = slice_seq()
    r1, r2 = run(tmp_path, "v", SimParams(depth=60, seed=11, error_rate=0.0))
    reads = read_fastq(r1) + read_fastq(r2)
    left, right = seq[pos1 - 1 - 20 : pos1 - 1], seq[pos1 - 1 + len(ref) : pos1 - 1 + len(ref) + 20]
    assert seq[pos1 - 1 : pos1 - 1 + len(ref)] == ref
    assert seq.count(left + ref + right) == 1  # the 41+ bp context is unique in the slice
    n_ref, n_alt = allele_counts(reads, left + ref + right, left + alt + right)
    assert n_ref + n_alt > 30
    fraction = n_alt / (n_ref + n_alt)
    if zygosity == "het":
        assert 0.3 < fraction < 0.7
    else:
        assert fraction == 1.0


def test_build_haplotypes_applies_snv_and_indels_on_the_right_copy() -> None:
    ref = encode(b"AAAACCCCGGGGTTTT")
    region = Region("toy", 100, 116)
    variants = [
        Variant(102, "A", "G", ".", (0,)),  # SNV on copy 1
        Variant(105, "CCC", "C", ".", (1,)),  # deletion on copy 2
        Variant(110, "G", "GTT", ".", (0, 1)),  # hom insertion
        Variant(106, "C", "A", ".", (1,)),  # inside the deletion on copy 2: skipped
    ]
    haps = build_haplotypes(ref, region, sorted(variants, key=lambda v: v.pos1), None)
    assert decode(haps.seqs[0]).tobytes() == b"AGAACCCCGGTTGGTTTT"
    assert decode(haps.seqs[1]).tobytes() == b"AAAACCGGTTGGTTTT"
    assert len(haps.applied) == 3 and len(haps.skipped) == 1


def test_ref_mismatch_names_the_file_and_leaves_no_reads(tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_text(SLICE_VCF.read_text().replace("\t1487\trs28897672\tA\tC", "\t1487\trs28897672\tG\tC"))
    with pytest.raises(ReferenceMismatchError, match="REF G does not match") as err:
        simulate(SLICE_FA, SLICE, bad, "SLICE01", tmp_path / "out", SimParams(depth=1))
    assert str(bad) in str(err.value)
    assert list(tmp_path.glob("out*")) == []


def test_cli_writes_reads_and_rejects_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "simulate",
        "--reference",
        str(SLICE_FA),
        "--region",
        "brca1_slice:1-20000",
        "--variants",
        str(SLICE_VCF),
        "--depth",
        "2",
        "--seed",
        "1",
        "--sample-id",
        "PC001",
        "--out-prefix",
        str(tmp_path / "PC001"),
    ]
    assert cli.main(args) == 0
    assert (tmp_path / "PC001.R1.fastq.gz").is_file() and (tmp_path / "PC001.truth.vcf").is_file()
    assert "4 variants applied" in capsys.readouterr().out
    bad_id = [*args[:-3], "x y", *args[-2:]]
    assert cli.main(bad_id) == 2
    assert cli.main([*args[:3], "--region", "chr1:1-100", *args[5:]]) == 2  # contig not in the FASTA
    assert "chr1 is not in the reference" in capsys.readouterr().err


def test_vcf_on_other_contig_names_is_refused_not_silently_ignored(tmp_path: Path) -> None:
    pc001 = Path(__file__).resolve().parents[3] / "reference" / "demo_reads" / "PC001.variants.vcf"  # chr17
    with pytest.raises(ReferenceMismatchError, match="contig brca1_slice is not in the VCF header"):
        simulate(SLICE_FA, SLICE, pc001, "PC001", tmp_path / "x", SimParams(depth=1))
    assert list(tmp_path.glob("x*")) == []


def test_positive_control_pc001_carries_the_frameshift(tmp_path: Path) -> None:
    from clinwgs.validation.simulate import simulate_positive_control

    res = simulate_positive_control(Path(__file__).resolve().parents[3], tmp_path / "PC001")
    assert res.pairs == 8119 and res.applied == 1 and res.skipped == 0
    truth = [line.split("\t") for line in res.truth_vcf.read_text().splitlines() if not line.startswith("#")]
    assert [(t[0], t[1], t[3], t[4]) for t in truth] == [("chr17", "43124027", "ACT", "A")]
    assert truth[0][9] in {"0|1", "1|0"}


@pytest.mark.integration
def test_controls_are_recovered_by_a_real_aligner_and_caller(tmp_path: Path) -> None:
    """Seeded 30x reads of the validation controls: minimap2 + bcftools call each one, right GT, no extras."""
    import shutil
    import subprocess

    if not all(shutil.which(t) for t in ("minimap2", "samtools", "bcftools")):
        pytest.fail("minimap2, samtools and bcftools are required (Makefile APT_PACKAGES)")
    repo = Path(__file__).resolve().parents[3]
    fasta = repo / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
    controls = repo / "reference" / "controls" / "brca1_controls.vcf"
    res = simulate(
        fasta, parse_region("chr17:43044294-43125483"), controls, "VALCTRL01", tmp_path / "c", SimParams()
    )
    bam = tmp_path / "c.bam"
    sh = (
        f"minimap2 -t1 -ax sr {fasta} {res.r1} {res.r2} 2>/dev/null | samtools sort -o {bam} - 2>/dev/null"
        f" && samtools index {bam}"
        f" && bcftools mpileup -f {fasta} -r chr17:43044294-43125483 {bam} 2>/dev/null"
        f" | bcftools call -mv 2>/dev/null | bcftools norm -f {fasta} -m -any 2>/dev/null"
        " | bcftools query -f '%POS %REF %ALT [%GT]\\n'"
    )
    called = set(
        subprocess.run(sh, shell=True, check=True, capture_output=True, text=True).stdout.splitlines()
    )
    expected = set()
    for line in controls.read_text().splitlines():
        if not line.startswith("#"):
            f = line.split("\t")
            expected.add(f"{f[1]} {f[3]} {f[4]} {'1/1' if f[9] == '1|1' else '0/1'}")
    assert called == expected


def test_vcf_of_another_build_is_refused(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[3]
    grch38 = repo / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
    hg19_vcf = (
        repo / "reference" / "GRCh37_chr20" / "test_nist.b37_chr20_100kbp_at_10mb.vcf.gz"
    )  # chr17 81.2 Mb
    with pytest.raises(ReferenceMismatchError, match="on another build"):
        simulate(
            grch38, parse_region("chr17:43044294-43125483"), hg19_vcf, "PC001", tmp_path / "y", SimParams()
        )
    assert list(tmp_path.glob("y*")) == []
