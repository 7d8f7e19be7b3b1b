"""Input integrity on the project's real reads: FASTQ pair decoded and mates checked (clinwgs.inputs.fastq);
BAM/CRAM fully read and @SQ compared with the reference (clinwgs.inputs.alignment); whole units
(clinwgs.inputs.run)."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pysam
import pytest

from clinwgs.config.load import Unit
from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError
from clinwgs.inputs.alignment import (
    alignment_matches_reference,
    count_records,
    require_matching_reference,
    sq_mismatches,
)
from clinwgs.inputs.fastq import check_fastq_pair
from clinwgs.inputs.run import check_unit, write_input_check

ROOT = Path(__file__).resolve().parents[3]
FQ1 = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R1.fastq.gz"
FQ2 = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R2.fastq.gz"
BAM = ROOT / "reference" / "demo_reads" / "HG00099.BRCA1.GRCh38.bam"
FASTA = ROOT / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
FASTA37 = ROOT / "reference" / "GRCh37_chr20" / "ucsc.hg19.chr20.unittest.fasta.gz"


def records(path: Path) -> list[str]:
    with gzip.open(path, "rt") as handle:
        return handle.readlines()


def write_gz(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt") as handle:
        handle.writelines(lines)
    return path


def test_good_pair_counts_reads() -> None:
    assert check_fastq_pair(FQ1, FQ2, sample="SLICE01") == {"reads": len(records(FQ1)) // 4}


def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    data = FQ1.read_bytes()
    cut = tmp_path / "cut_R1.fastq.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputIntegrityError, match="FASTQ is truncated: the gzip stream ends") as info:
        check_fastq_pair(cut, FQ2, sample="S-0001")
    assert info.value.path == str(cut) and info.value.sample == "S-0001"


def test_mates_with_different_counts(tmp_path: Path) -> None:
    short = write_gz(tmp_path / "short_R2.fastq.gz", records(FQ2)[:-4])
    with pytest.raises(InputIntegrityError, match="mate files differ in length") as info:
        check_fastq_pair(FQ1, short, sample="S-0001")
    assert "S-0001" in str(info.value) and str(short) in str(info.value)


def test_mates_out_of_step(tmp_path: Path) -> None:
    lines = records(FQ2)
    lines[0:4], lines[4:8] = lines[4:8], lines[0:4]
    swapped = write_gz(tmp_path / "swapped_R2.fastq.gz", lines)
    with pytest.raises(InputIntegrityError, match="mates out of step at read 1:"):
        check_fastq_pair(FQ1, swapped, sample="S-0001")


def test_malformed_record(tmp_path: Path) -> None:
    lines = records(FQ1)
    lines[3] = lines[3][:-5] + "\n"
    bad = write_gz(tmp_path / "bad_R1.fastq.gz", lines)
    with pytest.raises(
        InputIntegrityError, match="record 1: sequence length 150 differs from quality length 146"
    ):
        check_fastq_pair(bad, FQ2, sample="S-0001")


def test_not_gzip(tmp_path: Path) -> None:
    plain = tmp_path / "plain_R1.fastq.gz"
    plain.write_text("".join(records(FQ1)))
    with pytest.raises(InputIntegrityError, match="ends in .gz but the file is not gzip-compressed"):
        check_fastq_pair(plain, FQ2, sample="S-0001")


def test_bam_matching_the_bundle_is_reusable() -> None:
    assert alignment_matches_reference(BAM, FASTA)
    assert count_records(BAM, reference=FASTA, sample="HG00099")["records"] == int(
        subprocess.run(
            ["samtools", "view", "-c", str(BAM)], capture_output=True, text=True, check=True
        ).stdout
    )


def test_bam_aligned_to_another_reference(tmp_path: Path) -> None:
    assert not alignment_matches_reference(BAM, FASTA37)
    with pytest.raises(
        ReferenceMismatchError, match="aligned to another reference than .*: contig chr20"
    ) as info:
        require_matching_reference(BAM, FASTA37, sample="HG00099")
    assert info.value.sample == "HG00099" and info.value.path == str(BAM)


def test_sq_length_and_md5_mismatch() -> None:
    lengths = {"chr17": 83257441}
    assert sq_mismatches([{"SN": "chr17", "LN": "81195210"}], lengths, None) == [
        "contig chr17: @SQ LN 81195210 but reference length 83257441"
    ]
    wrong_m5 = [{"SN": "chr17", "LN": "83257441", "M5": "0" * 32}]
    assert "differs from the reference sequence" in sq_mismatches(wrong_m5, lengths, FASTA)[0]


def test_truncated_bam_is_refused(tmp_path: Path) -> None:
    data = BAM.read_bytes()
    cut = tmp_path / "cut.bam"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputIntegrityError, match="corrupt or truncated") as info:
        count_records(cut, reference=FASTA, sample="HG00099")
    assert info.value.path == str(cut)


def test_cram_input_is_read_against_the_reference(tmp_path: Path) -> None:
    cram = tmp_path / "in.cram"
    pysam.view("-C", "-T", str(FASTA), "-o", str(cram), str(BAM), catch_stdout=False)
    assert count_records(cram, reference=FASTA, sample="HG00099") == {"records": 6584, "format": "CRAM"}


def test_unit_checks_and_json_record(tmp_path: Path) -> None:
    fq = Unit(sample_id="HG00099", unit_id="L1", platform="ILLUMINA", fq1=FQ1, fq2=FQ2)
    bam = Unit(sample_id="HG00099", unit_id="L2", platform="ILLUMINA", bam=BAM)
    out = tmp_path / "check.json"
    write_input_check([fq, bam], FASTA, True, out)
    text = out.read_text()
    assert '"kind": "fastq"' in text and '"kind": "alignment"' in text and '"action": "reused"' in text
    assert [p.name for p in tmp_path.iterdir()] == ["check.json"]  # no temporary file left behind


def test_checksum_mismatch_names_column(tmp_path: Path) -> None:
    unit = Unit(sample_id="S-0001", unit_id="L1", platform="ILLUMINA", fq1=FQ1, fq2=FQ2, fq1_sha256="0" * 64)
    with pytest.raises(InputIntegrityError, match="units.tsv fq1_sha256 is 0000000000000000…"):
        check_unit(unit, FASTA, False)


def test_missing_file(tmp_path: Path) -> None:
    unit = Unit(sample_id="S-0001", unit_id="L1", platform="ILLUMINA", bam=tmp_path / "none.bam")
    with pytest.raises(InputIntegrityError, match="units.tsv bam: input file does not exist") as info:
        check_unit(unit, FASTA, False)
    assert info.value.sample == "S-0001"
