"""``clinwgs audit check-vcf --reference/--bundle``: a VCF must belong to the reference (BGZF, contigs,
build, REF alleles), and sample names must be unique (also without a reference). Bad VCFs are real ones
altered."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pysam

REF = Path(__file__).resolve().parents[3] / "reference"
HG002 = REF / "GRCh38_chr20_HG002"
HG002_VCF = HG002 / "HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.vcf.gz"
B37_VCF = REF / "GRCh37_chr20" / "test_nist.b37_chr20_100kbp_at_10mb.vcf.gz"
PC001 = REF / "demo_reads" / "PC001.variants.vcf"


def check_vcf(vcf: Path, *options: str, summary: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--summary-out", str(summary)] if summary else []
    return subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "audit", "check-vcf", str(vcf), *options, *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def bgzip(text: str, out: Path) -> Path:
    plain = out.with_suffix("")
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(out), force=True)
    return out


def test_the_real_benchmark_vcf_matches_its_bundle(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    done = check_vcf(HG002_VCF, "--bundle", str(HG002 / "manifest.yaml"), summary=summary)
    assert done.returncode == 0, done.stderr
    assert json.loads(summary.read_text())["records_checked_against_reference"] > 4000


def test_a_ref_allele_that_differs_from_the_fasta_is_refused(tmp_path: Path) -> None:
    lines = gzip.decompress(HG002_VCF.read_bytes()).decode().splitlines(keepends=True)
    first = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
    cols = lines[first].split("\t")
    assert cols[3] == "A"  # chr20:7000459 A>T, the first record
    cols[3], cols[4] = "C", "T"
    lines[first] = "\t".join(cols)
    vcf = bgzip("".join(lines), tmp_path / "ref_mismatch.vcf.gz")
    message = refused(check_vcf(vcf, "--reference", str(HG002 / "GRCh38_chr20_1-10Mb.fa.gz")))
    assert (
        "1 of " in message and "REF alleles differ" in message and "chr20:7000459 REF C (FASTA A)" in message
    )


def test_plain_gzip_is_refused(tmp_path: Path) -> None:
    vcf = tmp_path / "plain.vcf.gz"
    vcf.write_bytes(gzip.compress(gzip.decompress(HG002_VCF.read_bytes())))
    message = refused(check_vcf(vcf, "--bundle", str(HG002 / "manifest.yaml")))
    assert "plain gzip, not BGZF" in message and "bgzip" in message


def test_grch37_coordinates_on_a_grch38_bundle_are_refused() -> None:
    message = refused(check_vcf(B37_VCF, "--bundle", str(HG002 / "manifest.yaml")))
    assert "another build" in message and "the length of GRCh37 chromosome" in message


def test_grch37_records_beyond_a_grch38_slice_are_refused_with_only_the_fasta(tmp_path: Path) -> None:
    body = [
        ln for ln in gzip.decompress(B37_VCF.read_bytes()).decode().splitlines(True) if "##contig" not in ln
    ]
    vcf = bgzip("".join(body), tmp_path / "b37_no_contigs.vcf.gz")
    message = refused(check_vcf(vcf, "--reference", str(HG002 / "GRCh38_chr20_1-10Mb.fa.gz")))
    assert "lies beyond the end of chr20" in message


def test_duplicate_sample_names_are_refused_without_a_reference(tmp_path: Path) -> None:
    lines = []
    for line in PC001.read_text().splitlines():
        if not line.startswith("##"):
            line = f"{line}\t{line.split(chr(9))[-1]}"  # a second column with the same sample name / genotype
        lines.append(line)
    vcf = tmp_path / "duplicate_samples.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    message = refused(check_vcf(vcf))
    assert "sample name(s) PC001 appear more than once in the #CHROM line" in message
