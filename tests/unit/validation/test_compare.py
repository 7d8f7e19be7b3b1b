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
#   241..264  'AC' x 12, a 24-bp STR, G before (240) and T after (265)
#   281..288  'AAAAAAAA', an 8-bp homopolymer, G before (280) and C after (289)
_rng = random.Random(20261122)
_BACKGROUND = "".join(_rng.choice("ACGT") for _ in range(400))
REFERENCE = (_BACKGROUND[:99] + "G" + "CACACACACA" + "T" + _BACKGROUND[111:199] + "G" + "CAT" + "G"
             + _BACKGROUND[204:239] + "G" + "AC" * 12 + "T" + _BACKGROUND[265:279] + "G" + "A" * 8 + "C"
             + _BACKGROUND[289:400])
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
    assert len(REFERENCE) == 400
    assert REFERENCE[100:110] == "CACACACACA" and REFERENCE[200:203] == "CAT"
    assert REFERENCE[239:265] == "G" + "AC" * 12 + "T" and REFERENCE[279:289] == "G" + "A" * 8 + "C"


def test_left_and_right_shifted_deletion_in_repeat_match(tmp_path: Path, ref: Path) -> None:
    left = (100, "GCA", "G", "0/1")  # deletes the first CA of the repeat
    right = (108, "ACA", "A", "0/1")  # the same haplotype, written at the right end of the repeat
    assert REFERENCE[99:102] == "GCA" and REFERENCE[107:110] == "ACA"
    result = run(tmp_path, ref, [left], [right])
    indel = result["confident"]["indel"]
    assert (indel["tp_truth"], indel["tp_query"], indel["fp"], indel["fn"]) == (1, 1, 0, 0)
    assert indel["f1"] == 1.0


def test_mnp_matches_two_snvs(tmp_path: Path, ref: Path) -> None:
    # Rule "records, not alleles" + "MNPs as haplotypes": the truth writes AT>TA as two het SNV records on
    # the same haplotype, the query as one MNP record. Haplotypes: truth {GCATG, GCTAG} (both SNVs on one
    # copy) = query {GCATG, GCTAG}. So both truth records are TP and the one query record is TP; an MNP
    # (same length) counts in the SNV class.
    truth = [(202, "A", "T", "0|1"), (203, "T", "A", "0|1")]
    query = [(202, "AT", "TA", "0/1")]
    snv = run(tmp_path, ref, truth, query)["confident"]["snv"]
    assert (snv["tp_truth"], snv["tp_query"], snv["fp"], snv["fn"]) == (2, 1, 0, 0)


def test_insertion_plus_deletion_matches_mnp_by_haplotype(tmp_path: Path, ref: Path) -> None:
    # CAT -> CTA written as an insertion of T after C and a deletion of the T after A: the same sequence,
    # which normalisation cannot make identical; the haplotype comparison must. The truth record (trimmed
    # by bcftools norm to 202 AT>TA) is one SNV-class record; the query's two records are indels.
    truth = [(201, "CAT", "CTA", "1/1")]
    query = [(201, "C", "CT", "1/1"), (202, "AT", "A", "1/1")]
    result = run(tmp_path, ref, truth, query)
    assert result["haplotype_clusters_matched"] == 1
    assert result["confident"]["snv"]["tp_truth"] == 1 and result["confident"]["snv"]["fn"] == 0
    assert result["confident"]["indel"]["tp_query"] == 2 and result["confident"]["indel"]["fp"] == 0


def test_haplotype_match_keeps_genotype(tmp_path: Path, ref: Path) -> None:
    # Same alleles as above, but the query carries one copy: haplotype pairs differ ({CTA, CTA} vs
    # {CAT, CTA}), the single haplotypes agree (CTA): a genotype mismatch on both sides.
    truth = [(201, "CAT", "CTA", "1/1")]
    query = [(201, "C", "CT", "0/1"), (202, "AT", "A", "0/1")]
    result = run(tmp_path, ref, truth, query)
    snv = result["confident"]["snv"]
    got = (snv["tp_truth"], snv["gt_mismatch_truth"], snv["recall"], snv["allele_recall"])
    assert got == (0, 1, 0.0, 1.0)
    assert result["confident"]["indel"]["gt_mismatch_query"] == 2


def test_genotype_mismatch_is_fp_and_fn(tmp_path: Path, ref: Path) -> None:
    pos = 50
    truth = [(pos, base(pos), _other(base(pos)), "0/1"), (60, base(60), _other(base(60)), "0/1")]
    query = [(truth[0][0], truth[0][1], truth[0][2], "1/1"), truth[1]]
    snv = run(tmp_path, ref, truth, query)["confident"]["snv"]
    assert (snv["tp_truth"], snv["gt_mismatch_truth"], snv["gt_mismatch_query"], snv["fp"], snv["fn"]) == (
        1, 1, 1, 0, 0)
    assert snv["precision"] == 0.5 and snv["recall"] == 0.5 and snv["f1"] == 0.5
    assert snv["allele_f1"] == 1.0


def test_multiallelic_record_counts_once(tmp_path: Path, ref: Path) -> None:
    # Rule "records, not alleles": a 1/2 truth record is ONE truth record (hap.py TRUTH.TOTAL), two ALT
    # alleles in the per-allele view.
    pos = 30
    alts = [b for b in "ACGT" if b != base(pos)]
    truth = [(pos, base(pos), f"{alts[0]},{alts[1]}", "1/2")]
    both = run(tmp_path, ref, truth, [(pos, base(pos), f"{alts[1]},{alts[0]}", "2/1")])
    snv = both["confident"]["snv"]
    assert (snv["truth_total"], snv["tp_truth"], snv["tp_query"], snv["fn"], snv["fp"]) == (1, 1, 1, 0, 0)
    assert both["confident_alleles"]["snv"]["tp_truth"] == 2
    assert both["all_truth"]["snv"]["truth_total"] == 1
    # the query finds one of the two ALTs, het: haplotype pairs differ ({X, Y} vs {REF, X}); the single
    # haplotype X is shared, so both records are genotype mismatches (allele-only match), not FN + TP.
    one = run(tmp_path, ref, truth, [(pos, base(pos), alts[0], "0/1")])["confident"]["snv"]
    assert (one["tp_truth"], one["gt_mismatch_truth"], one["gt_mismatch_query"], one["fn"], one["fp"]) == (
        0, 1, 1, 0, 0)
    # a third base: nothing shared: one FN record, one FP record
    wrong = run(tmp_path, ref, truth, [(pos, base(pos), alts[2], "0/1")])["confident"]["snv"]
    assert (wrong["tp_truth"], wrong["fn"], wrong["fp"]) == (0, 1, 1)


def test_freebayes_mnp_plus_snv_split_at_one_site_is_tp(tmp_path: Path, ref: Path) -> None:
    # Cause (4) of issue 15. FreeBayes writes 202 AT>GC,GT 1/2; `bcftools norm -m -any` in the workflow
    # splits it into 202 AT>GC 0/1 and 202 A>G 0/1 (the GT allele trimmed). The truth writes the same
    # genotype as 202 A>G 1/1 and 203 T>C 0/1. Haplotypes (202-203): truth {GT, GC}; query: the two
    # records overlap, so they must sit on different copies: {GC, GT}. Equal -> all four records TP.
    # (Decomposing the MNP into A>G + T>C, as the old comparator did, gave two A>G het against A>G hom.)
    truth = [(202, "A", "G", "1/1"), (203, "T", "C", "0/1")]
    query = [(202, "AT", "GC", "0/1"), (202, "A", "G", "0/1")]
    snv = run(tmp_path, ref, truth, query)["confident"]["snv"]
    got = (snv["tp_truth"], snv["tp_query"], snv["fn"], snv["fp"], snv["gt_mismatch_truth"])
    assert got == (2, 2, 0, 0, 0)


def test_equivalent_records_far_apart_in_an_str_match(tmp_path: Path, ref: Path) -> None:
    # Rule "windows span the whole repeat". STR 241..264 = (AC)x12, T at 265. Truth (hom): delete one AC
    # (left-aligned: 240 GAC>G) and 265 T>G. Haplotype: G (AC)x11 G. The query writes the same haplotype as
    # one complex record at the right end of the repeat: 262 CACT>CG -> 241..261 ((AC)x10 A) + CG =
    # (AC)x11 G. bcftools norm cannot turn a complex record into the truth's two records, and the records
    # start 22 bp apart (more than a fixed 10 bp window); the STR's extent puts them in one cluster.
    assert REFERENCE[261:265] == "CACT"
    truth = [(240, "GAC", "G", "1/1"), (265, "T", "G", "1/1")]
    query = [(262, "CACT", "CG", "1/1")]
    result = run(tmp_path, ref, truth, query)
    indel, snv = result["confident"]["indel"], result["confident"]["snv"]
    got = (indel["tp_truth"], snv["tp_truth"], indel["tp_query"], indel["fp"], indel["fn"])
    assert got == (1, 1, 1, 0, 0)
    # one base different (T>A instead of T>G): haplotypes differ, nothing matches
    wrong = run(tmp_path, ref, truth, [(262, "CACT", "CA", "1/1")])["confident"]
    assert (wrong["indel"]["fn"], wrong["snv"]["fn"], wrong["indel"]["fp"]) == (1, 1, 1)


def test_stratified_by_repeat_context_and_indel_length(tmp_path: Path, ref: Path) -> None:
    # Rule "strata". Each truth record and the context worked out from REFERENCE:
    #   280 GA>G   deletes one A of the 8-bp homopolymer 281..288  -> homopolymer, indel length 1
    #   240 GACAC>G deletes (AC)x2 in the 24-bp STR               -> str, indel length 4 (bin 2-5)
    #   30 SNV in random sequence                                  -> other (no run of 6, no STR)
    #   320..326 deletion of 6 bp in random sequence               -> other, bin 6-15
    # The query finds all but the homopolymer deletion (FN) and adds an FP SNV at 50.
    hp = (280, "GA", "G", "0/1")
    tr = (240, "GACAC", "G", "0/1")
    snv30 = (30, base(30), _other(base(30)), "0/1")
    long_del = (320, REFERENCE[319:326], base(320), "1/1")
    fp50 = (50, base(50), _other(base(50)), "0/1")
    result = run(tmp_path, ref, [hp, tr, snv30, long_del], [tr, snv30, long_del, fp50])
    ctx, lengths = result["strata"]["repeat_context"], result["strata"]["indel_length"]
    assert (ctx["homopolymer"]["indel"]["truth_total"], ctx["homopolymer"]["indel"]["fn"]) == (1, 1)
    assert (ctx["str"]["indel"]["tp_truth"], ctx["str"]["indel"]["tp_query"]) == (1, 1)
    assert (ctx["other"]["snv"]["tp_truth"], ctx["other"]["snv"]["fp"]) == (1, 1)
    assert (ctx["other"]["indel"]["tp_truth"], ctx["str"]["snv"]["truth_total"]) == (1, 0)
    assert (lengths["1"]["fn"], lengths["2-5"]["tp_truth"], lengths["6-15"]["tp_truth"]) == (1, 1, 1)
    assert lengths["16-50"]["truth_total"] == 0 and lengths[">50"]["truth_total"] == 0


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


def test_record_overlapping_bed_edge_is_assessed(tmp_path: Path, ref: Path) -> None:
    # Rule "--ref-overlap": the deletion 100 GCA>G has REF span 100..102 (1-based). A BED (0-based, half
    # open) of (0, 101) covers 1..101 and (101, 200) covers 102..200: both overlap the span, so the record
    # is assessed (the old whole-span rule dropped it). (102, 200) starts at 103: no overlap, not assessed.
    truth = [(100, "GCA", "G", "0/1")]
    for bed, assessed in (([(0, 101)], 1), ([(101, 200)], 1), ([(102, 200)], 0), ([(0, 99)], 0)):
        result = run(tmp_path, ref, truth, [], bed=bed)
        assert result["confident"]["indel"]["truth_total"] == assessed, bed
        assert result["all_truth"]["indel"]["fn"] == 1
    # a query deletion crossing the edge is assessed too, so an FP there is counted
    fp = run(tmp_path, ref, [], truth, bed=[(101, 200)])["confident"]["indel"]
    assert (fp["query_total"], fp["fp"]) == (1, 1)


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
    markdown = (out / "benchmark.md").read_text()
    assert "| SNV | 1 | 1 | 0 | 0 |" in markdown
    assert "| other SNV | 1 | 1 | 0 | 0 |" in markdown and "| homopolymer INDEL | 0 |" in markdown
    assert "<table>" in (out / "benchmark.html").read_text()
    assert sorted(p.name for p in out.iterdir()) == ["benchmark.html", "benchmark.json", "benchmark.md"]


def _other(b: str) -> str:
    return "A" if b != "A" else "C"


def test_giab_truth_against_itself_is_perfect_and_counts_every_record() -> None:
    bundle = Path(__file__).resolve().parents[3] / "reference" / "GRCh37_chr20"
    truth = bundle / "test_nist.b37_chr20_100kbp_at_10mb.vcf.gz"
    result = compare(truth, truth, bundle / "ucsc.hg19.chr20.unittest.fasta.gz",
                     bundle / "test_nist.b37_chr20_100kbp_at_10mb.bed")
    snv, indel = result["confident"]["snv"], result["confident"]["indel"]
    assert (snv["truth_total"], snv["tp_query"], indel["truth_total"], indel["tp_query"]) == (45, 45, 4, 4)
    # 221 records (the 1|2 site at chr20:10004223 is one record; two alleles in the per-allele view)
    assert result["all_truth"]["snv"]["truth_total"] + result["all_truth"]["indel"]["truth_total"] == 221
    assert result["all_truth"]["indel"]["recall"] == 1.0 and result["truth_not_tp_anywhere"] == []
