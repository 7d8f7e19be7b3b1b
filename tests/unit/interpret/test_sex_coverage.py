"""Sex check from synthetic mosdepth summaries (the demo bundles have no chrX/chrY) and coverage maths."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.coverage import gene_coverage, gene_models
from clinwgs.interpret.sex import read_mosdepth_summary, sex_check
from tests.support.interpret_vcf import DATA, FRAMESHIFT, record, run, write_vcf

HEAD = "chrom\tlength\tbases\tmean\tmin\tmax\n"


def summary(tmp_path: Path, x: float | None, y: float | None, auto: float = 30.0) -> Path:
    rows = [f"chr{i}\t1000000\t{int(auto * 1e6)}\t{auto}\t0\t90\n" for i in (1, 2, 17)]
    rows += [f"chr1_region\t1000\t30000\t{auto}\t0\t90\n"]
    if x is not None:
        rows.append(f"chrX\t1000000\t{int(x * 1e6)}\t{x}\t0\t90\n")
    if y is not None:
        rows.append(f"chrY\t500000\t{int(y * 5e5)}\t{y}\t0\t90\n")
    path = tmp_path / "s.mosdepth.summary.txt"
    path.write_text(HEAD + "".join(rows) + "total\t3500000\t1\t1\t0\t90\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("reported", "x", "y", "inferred", "mismatch"),
    [
        ("female", 30.0, 0.3, "female", False),
        ("male", 15.0, 12.0, "male", False),
        ("female", 15.0, 12.0, "male", True),
        ("male", 29.0, 0.0, "female", True),
        ("unknown", 15.0, 12.0, "male", False),
        ("female", 22.0, 3.0, "unknown", False),  # ambiguous (e.g. XXY or mosaic): not called, not a mismatch
    ],
)
def test_sex_inference_and_mismatch(
    tmp_path: Path, reported: str, x: float, y: float, inferred: str, mismatch: bool
) -> None:
    check = sex_check(reported, read_mosdepth_summary(summary(tmp_path, x, y)))
    assert (check.inferred, check.mismatch) == (inferred, mismatch)
    assert check.x_autosome_ratio == pytest.approx(x / 30.0)


def test_no_sex_chromosomes_gives_unknown_with_reason(tmp_path: Path) -> None:
    check = sex_check("female", read_mosdepth_summary(summary(tmp_path, None, None)))
    assert check.inferred == "unknown" and not check.mismatch and "no chrX/chrY" in check.note


def test_sex_mismatch_blocks_release(tmp_path: Path) -> None:
    out = run(
        write_vcf(tmp_path, record(f"BCSQ={FRAMESHIFT}")),
        sex="female",
        mosdepth_summary=summary(tmp_path, 15.0, 12.0),
    )
    assert out.sex_check.mismatch and out.release_blocked
    assert any("SEX MISMATCH" in b for b in out.release_blockers)


def test_malformed_summary_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("not mosdepth\n", encoding="utf-8")
    with pytest.raises(InputIntegrityError, match="bad.txt"):
        read_mosdepth_summary(bad)


def _bed_gz(path: Path, rows: list[str]) -> Path:
    with gzip.open(path, "wt") as handle:
        handle.write("".join(rows))
    return path


def test_gene_fully_assessed_only_when_every_base_reaches_threshold(tmp_path: Path) -> None:
    thr = _bed_gz(
        tmp_path / "t.bed.gz",
        [
            "#chrom\tstart\tend\tregion\t20X\n",
            "chr1\t0\t100\tG1|chr1:1-100\t100\n",
            "chr1\t200\t300\tG1|chr1:201-300\t99\n",
            "chr1\t400\t500\tG2|chr1:401-500\t100\n",
        ],
    )
    reg = _bed_gz(
        tmp_path / "r.bed.gz",
        [
            "chr1\t0\t100\tG1|chr1:1-100\t40\n",
            "chr1\t200\t300\tG1|chr1:201-300\t20\n",
            "chr1\t400\t500\tG2|chr1:401-500\t35.5\n",
        ],
    )
    g1, g2, g3 = gene_coverage(thr, reg, ["G1", "G2", "G3"], 20)
    assert (g1.fraction_at_threshold, g1.mean_depth, g1.fully_assessed, g1.exons_below) == (
        0.995,
        30.0,
        False,
        ["chr1:201-300"],
    )
    assert g2.fully_assessed and g2.fraction_at_threshold == 1.0
    assert not g3.fully_assessed and g3.fraction_at_threshold == 0.0


def test_gene_models_merge_coding_exons_of_protein_coding_transcripts() -> None:
    rows = (DATA / "R208.panel.bed").read_text().splitlines()
    assert len(rows) == 25 and all(r.startswith("chr17\t") and "\tBRCA1|" in r for r in rows)
    gff = DATA / "mini.gff3"
    models = gene_models(gff, {"GENE1"})
    assert models["GENE1"].exons == [("chr1:11-30", (10, 30)), ("chr1:51-60", (50, 60))]
