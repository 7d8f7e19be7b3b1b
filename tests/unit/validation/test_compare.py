"""clinwgs benchmark on hand-made cases: each checks counts, not just that it runs.

The fixtures are a tiny hand-made reference and VCFs written with the real bgzip/tabix/samtools."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from clinwgs.cli.benchmark import main as cli_main
from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError
from clinwgs.validation.compare import compare

# 1-based positions of features in REFERENCE (checked by test_fixture_reference_features):
#   101..110  'CACACACACA' dinucleotide repeat   (a 2-bp deletion can be written at 100, 102, ... 108)
#   201..203  'CAT'                               (AT>TA swap: MNP or insertion+deletion)
_rng = random.Random(20261122)
_BACKGROUND = "".join(_rng.choice("ACGT") for _ in range(400))
REFERENCE = (_BACKGROUND[:99] + "G" + "CACACACACA" + "T" + _BACKGROUND[111:199] + "G" + "CAT" + "G"
             + _BACKGROUND[204:400])
CHROM = "chrT"

HEADER = (
    "##fileformat=VCFv4.2\n"
    f"##contig=<ID={CHROM},length={len(REFERENCE)}>\n"
    '##FILTER=<ID=PASS,Description="All filters passed">\n'
    '##FILTER=<ID=LowQual,Description="Low quality">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"
)


def base(pos1: int) -> str:
    return REFERENCE[pos1 - 1]


def write_reference(folder: Path) -> Path:
    fasta = folder / "ref.fa"
    lines = [REFERENCE[i:i + 60] for i in range(0, len(REFERENCE), 60)]
    fasta.write_text(f">{CHROM}\n" + "\n".join(lines) + "\n")
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    return fasta


def write_vcf(path: Path, records: list[tuple[int, str, str, str]], *, sample: str = "S1",
              filters: dict[int, str] | None = None) -> Path:
    """records: (pos1, ref, alt, gt). Written sorted, bgzipped and indexed."""
    filters = filters or {}
    body = "".join(f"{CHROM}\t{pos}\t.\t{ref}\t{alt}\t50\t{filters.get(pos, 'PASS')}\t.\tGT\t{gt}\n"
                   for pos, ref, alt, gt in sorted(records))
    plain = path.with_suffix("")
    plain.write_text(HEADER.format(sample=sample) + body)
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(path)], check=True)
    return path


def write_bed(path: Path, intervals: list[tuple[int, int]]) -> Path:
    """intervals are 0-based half-open."""
    path.write_text("".join(f"{CHROM}\t{s}\t{e}\n" for s, e in intervals))
    return path

WHOLE = [(0, len(REFERENCE))]


@pytest.fixture()
def ref(tmp_path: Path) -> Path:
    return write_reference(tmp_path)


def run(tmp_path: Path, ref: Path, truth: list[tuple[int, str, str, str]],
        query: list[tuple[int, str, str, str]], bed: list[tuple[int, int]] | None = None,
        **kwargs: Any) -> dict[str, Any]:
    t = write_vcf(tmp_path / "truth.vcf.gz", truth, sample="TRUTH")
    q = write_vcf(tmp_path / "query.vcf.gz", query, filters=kwargs.pop("filters", None))
    b = write_bed(tmp_path / "conf.bed", bed or WHOLE)
    return compare(t, q, ref, b, **kwargs)


def test_fixture_reference_features() -> None:
    assert REFERENCE[100:110] == "CACACACACA" and REFERENCE[200:203] == "CAT"


def test_left_and_right_shifted_deletion_in_repeat_match(tmp_path: Path, ref: Path) -> None:
    left = (100, "GCA", "G", "0/1")  # deletes the first CA of the repeat
    right = (108, "ACA", "A", "0/1")  # the same haplotype, written at the right end of the repeat
    assert REFERENCE[99:102] == "GCA" and REFERENCE[107:110] == "ACA"
    result = run(tmp_path, ref, [left], [right])
    indel = result["confident"]["indel"]
    assert (indel["tp_truth"], indel["tp_query"], indel["fp"], indel["fn"]) == (1, 1, 0, 0)
    assert indel["f1"] == 1.0


def test_mnp_matches_two_snvs(tmp_path: Path, ref: Path) -> None:
    truth = [(202, "A", "T", "0/1"), (203, "T", "A", "0/1")]
    query = [(202, "AT", "TA", "0/1")]
    snv = run(tmp_path, ref, truth, query)["confident"]["snv"]
    assert (snv["tp_truth"], snv["tp_query"], snv["fp"], snv["fn"]) == (2, 2, 0, 0)


def test_insertion_plus_deletion_matches_mnp_by_haplotype(tmp_path: Path, ref: Path) -> None:
    # CAT -> CTA written as an insertion of T after C and a deletion of the T after A: the same sequence,
    # which normalisation cannot make identical; the haplotype fallback must.
    truth = [(201, "CAT", "CTA", "1/1")]
    query = [(201, "C", "CT", "1/1"), (202, "AT", "A", "1/1")]
    result = run(tmp_path, ref, truth, query)
    assert result["haplotype_clusters_matched"] == 1
    assert result["confident"]["snv"]["tp_truth"] == 2 and result["confident"]["snv"]["fn"] == 0
    assert result["confident"]["indel"]["tp_query"] == 2 and result["confident"]["indel"]["fp"] == 0


def test_haplotype_fallback_keeps_genotype(tmp_path: Path, ref: Path) -> None:
    truth = [(201, "CAT", "CTA", "1/1")]
    query = [(201, "C", "CT", "0/1"), (202, "AT", "A", "0/1")]  # same alleles, one copy only
    result = run(tmp_path, ref, truth, query)
    snv = result["confident"]["snv"]
    got = (snv["tp_truth"], snv["gt_mismatch_truth"], snv["recall"], snv["allele_recall"])
    assert got == (0, 2, 0.0, 1.0)


def test_genotype_mismatch_is_fp_and_fn(tmp_path: Path, ref: Path) -> None:
    pos = 50
    truth = [(pos, base(pos), _other(base(pos)), "0/1"), (60, base(60), _other(base(60)), "0/1")]
    query = [(truth[0][0], truth[0][1], truth[0][2], "1/1"), truth[1]]
    snv = run(tmp_path, ref, truth, query)["confident"]["snv"]
    assert (snv["tp_truth"], snv["gt_mismatch_truth"], snv["gt_mismatch_query"], snv["fp"], snv["fn"]) == (
        1, 1, 1, 0, 0)
    assert snv["precision"] == 0.5 and snv["recall"] == 0.5 and snv["f1"] == 0.5
    assert snv["allele_f1"] == 1.0


def test_multiallelic_site_split_per_allele(tmp_path: Path, ref: Path) -> None:
    pos = 30
    alts = [b for b in "ACGT" if b != base(pos)]
    truth = [(pos, base(pos), f"{alts[0]},{alts[1]}", "1/2")]
    both = run(tmp_path, ref, truth, [(pos, base(pos), f"{alts[1]},{alts[0]}", "2/1")])["confident"]["snv"]
    assert (both["tp_truth"], both["fn"], both["fp"]) == (2, 0, 0)
    one = run(tmp_path, ref, truth, [(pos, base(pos), alts[0], "0/1")])["confident"]["snv"]
    assert (one["tp_truth"], one["fn"], one["fp"], one["query_total"]) == (1, 1, 0, 1)
    wrong = run(tmp_path, ref, truth, [(pos, base(pos), alts[2], "0/1")])["confident"]["snv"]
    assert (wrong["tp_truth"], wrong["fn"], wrong["fp"]) == (0, 2, 1)


def test_outside_bed_excluded_but_counted_in_all_truth_recall(tmp_path: Path, ref: Path) -> None:
    inside, outside, fp_outside = 40, 300, 350
    truth = [(inside, base(inside), _other(base(inside)), "0/1"), (outside, base(outside),
                                                                    _other(base(outside)), "1/1")]
    query = [truth[0], (fp_outside, base(fp_outside), _other(base(fp_outside)), "0/1")]
    result = run(tmp_path, ref, truth, query, bed=[(0, 200)])
    snv = result["confident"]["snv"]
    assert (snv["truth_total"], snv["tp_truth"], snv["fp"], snv["fn"], snv["precision"]) == (1, 1, 0, 0, 1.0)
    assert result["all_truth"]["snv"] == {"truth_total": 2, "tp_truth": 1, "gt_mismatch_truth": 0, "fn": 1,
                                          "recall": 0.5, "allele_recall": 0.5}


def test_indel_crossing_bed_boundary_not_scored(tmp_path: Path, ref: Path) -> None:
    truth = [(100, "GCA", "G", "0/1")]
    result = run(tmp_path, ref, truth, [], bed=[(0, 101)])  # BED ends inside the deletion's REF span
    assert result["confident"]["indel"]["truth_total"] == 0
    assert result["all_truth"]["indel"]["fn"] == 1


def test_filtered_query_records_not_scored_unless_asked(tmp_path: Path, ref: Path) -> None:
    pos = 70
    rec = (pos, base(pos), _other(base(pos)), "0/1")
    snv = run(tmp_path, ref, [rec], [rec], filters={pos: "LowQual"})["confident"]["snv"]
    assert (snv["tp_truth"], snv["fn"], snv["query_total"]) == (0, 1, 0)
    result = run(tmp_path, ref, [rec], [rec], filters={pos: "LowQual"}, include_filtered=True)
    snv = result["confident"]["snv"]
    assert snv["tp_truth"] == 1


def test_ref_allele_disagreeing_with_reference_is_refused(tmp_path: Path, ref: Path) -> None:
    pos = 80
    wrong_ref = _other(base(pos))
    with pytest.raises(ReferenceMismatchError, match="query.vcf.gz"):
        run(tmp_path, ref, [], [(pos, wrong_ref, base(pos), "0/1")])


def test_missing_query_names_the_file(tmp_path: Path, ref: Path) -> None:
    t = write_vcf(tmp_path / "truth.vcf.gz", [])
    b = write_bed(tmp_path / "conf.bed", WHOLE)
    with pytest.raises(InputIntegrityError, match="nope.vcf.gz"):
        compare(t, tmp_path / "nope.vcf.gz", ref, b)


def test_malformed_bed_names_line(tmp_path: Path, ref: Path) -> None:
    t = write_vcf(tmp_path / "truth.vcf.gz", [])
    bad = tmp_path / "conf.bed"
    bad.write_text("chrT\t100\tten\n")
    with pytest.raises(InputIntegrityError, match="line 1"):
        compare(t, t, ref, bad)


def test_cli_writes_json_markdown_html(tmp_path: Path, ref: Path) -> None:
    rec = (90, base(90), _other(base(90)), "0/1")
    t = write_vcf(tmp_path / "truth.vcf.gz", [rec], sample="TRUTH")
    q = write_vcf(tmp_path / "query.vcf.gz", [rec])
    b = write_bed(tmp_path / "conf.bed", WHOLE)
    out = tmp_path / "out"
    assert cli_main(["--truth", str(t), "--query", str(q), "--reference", str(ref), "--bed", str(b),
                     "--out", str(out), "--label", "unit"]) == 0
    data = json.loads((out / "benchmark.json").read_text())
    assert data["confident"]["snv"]["f1"] == 1.0 and data["inputs"]["query"]["sample"] == "S1"
    assert "| SNV | 1 | 1 | 0 | 0 |" in (out / "benchmark.md").read_text()
    assert "<table>" in (out / "benchmark.html").read_text()
    assert sorted(p.name for p in out.iterdir()) == ["benchmark.html", "benchmark.json", "benchmark.md"]


def _other(b: str) -> str:
    return "A" if b != "A" else "C"


def test_giab_truth_against_itself_is_perfect_and_counts_every_allele() -> None:
    bundle = Path(__file__).resolve().parents[3] / "reference" / "GRCh37_chr20"
    truth = bundle / "test_nist.b37_chr20_100kbp_at_10mb.vcf.gz"
    result = compare(truth, truth, bundle / "ucsc.hg19.chr20.unittest.fasta.gz",
                     bundle / "test_nist.b37_chr20_100kbp_at_10mb.bed")
    snv, indel = result["confident"]["snv"], result["confident"]["indel"]
    assert (snv["truth_total"], snv["tp_query"], indel["truth_total"], indel["tp_query"]) == (45, 45, 4, 4)
    # 221 records; the 1|2 site at chr20:10004223 becomes two alleles
    assert result["all_truth"]["snv"]["truth_total"] + result["all_truth"]["indel"]["truth_total"] == 222
    assert result["all_truth"]["indel"]["recall"] == 1.0 and result["truth_not_tp_anywhere"] == []
