"""clinwgs.inputs.{fastq,alignment,fasta,vcf,run} and core.io.load_yaml_strict on real files and on the
corpus's damaged copies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clinwgs.core.errors import ConfigError, InputIntegrityError, ReferenceMismatchError
from clinwgs.core.io import load_yaml_strict
from clinwgs.inputs.alignment import check_alignment, count_records, require_matching_reference
from clinwgs.inputs.fasta import check_fai, index_fasta
from clinwgs.inputs.fastq import check_fastq_pair
from clinwgs.inputs.run import check_sha256
from clinwgs.inputs.vcf import check_vcf

REPO = Path(__file__).resolve().parents[3]
BAD = REPO / "tests" / "data" / "bad"
BRCA1 = REPO / "reference" / "GRCh38_BRCA1"
FASTA = BRCA1 / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("integrity_gen")
    subprocess.run([sys.executable, str(BAD / "make_corpus.py"), str(out)], check=True)
    return out


def test_real_bundle_vcfs_pass_with_type_warnings_only() -> None:
    exac = check_vcf(BRCA1 / "exac_r0.3.BRCA1.GRCh38.vcf.gz")
    assert exac["records"] == 1337 and exac["n_warnings"] > 0 and exac["contigs"] == ["chr17"]
    clinvar = check_vcf(BRCA1 / "clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz")
    assert clinvar["records"] == 2659 and clinvar["n_warnings"] == 0


def test_vcf_check_runs_apart_and_reports_a_stuck_or_binary_file(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.vcf"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputIntegrityError, match="first line is not ##fileformat|unreadable"):
        check_vcf(garbage)
    with pytest.raises(InputIntegrityError, match="did not finish"):
        check_vcf(BRCA1 / "exac_r0.3.BRCA1.GRCh38.vcf.gz", timeout_s=0.01)
    with pytest.raises(InputIntegrityError, match="truncated"):
        check_vcf(_truncated(tmp_path))


def _truncated(tmp_path: Path) -> Path:
    import gzip

    data = gzip.compress((BAD / "vcf_valid_template.vcf").read_bytes())
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def test_fastq_pair_checks(gen: Path) -> None:
    assert check_fastq_pair(gen / "good.R1.fastq.gz", gen / "good.R2.fastq.gz", sample="S1") == {"reads": 60}
    cases = {
        ("truncated.R1.fastq.gz", "good.R2.fastq.gz"): "FASTQ is truncated: the gzip stream ends",
        ("good.R1.fastq.gz", "short.R2.fastq.gz"): "mate files differ in length",
        ("good.R1.fastq.gz", "swapped.R2.fastq.gz"): "mates out of step at read 11",
        ("seqqual.R1.fastq.gz", "good.R2.fastq.gz"): "record 7: sequence length 100 differs from quality",
        ("plain.R1.fastq.gz", "short.R2.fastq.gz"): "ends in .gz but the file is not gzip-compressed",
    }
    for (r1, r2), message in cases.items():
        with pytest.raises(InputIntegrityError, match=message.replace("(", r"\(")) as caught:
            check_fastq_pair(gen / r1, gen / r2, sample="S1")
        assert caught.value.sample == "S1"


def test_alignment_full_read_and_reference(gen: Path) -> None:
    bam = REPO / "reference" / "demo_reads" / "HG00096.BRCA1.GRCh38.bam"
    assert count_records(bam) == {"records": 4068, "format": "BAM"}
    assert check_alignment(bam, reference=FASTA, require_match=True)["matches_reference"] is True
    for name in ("corrupt_middle.bam", "truncated.bam", "truncated.cram"):
        with pytest.raises((InputIntegrityError, ReferenceMismatchError)):
            count_records(gen / name, reference=FASTA if name.endswith("cram") else None)
    with pytest.raises(ReferenceMismatchError, match="@SQ LN 81195210 but reference length 83257441"):
        require_matching_reference(gen / "other_ref.bam", FASTA)


def test_fai_matches_the_real_bundle_fasta_and_catches_a_wrong_one(tmp_path: Path) -> None:
    entries = check_fai(REPO / "tests" / "data" / "brca1_slice" / "brca1_slice.fa")
    assert [(e.name, e.length) for e in entries] == [("brca1_slice", 20000)]
    assert index_fasta(BAD / "fai_wrong_line_length" / "ref.fa")[0].linebases == 60
    with pytest.raises(ReferenceMismatchError, match="linebases is 61"):
        check_fai(BAD / "fai_wrong_line_length" / "ref.fa")


def test_yaml_duplicate_keys_and_sha256(tmp_path: Path) -> None:
    doc = tmp_path / "c.yaml"
    doc.write_text("a: 1\nb:\n  c: 2\n  c: 3\n")
    with pytest.raises(ConfigError, match="line 4: duplicate key 'c'"):
        load_yaml_strict(doc)
    doc.write_text("a: 1\n")
    assert load_yaml_strict(doc) == {"a": 1}
    with pytest.raises(InputIntegrityError, match="sha256 mismatch"):
        check_sha256(doc, "0" * 64)
