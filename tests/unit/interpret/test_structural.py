"""SV/CNV annotation (clinwgs.interpret.structural): genes and exons overlapped, consequence class and frame,
on a tiny hand-made GFF3 whose answers are worked out below, and on the real GRCh38_BRCA1 bundle GFF3."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.structural import annotate, load_transcripts, read_sv_vcf, reporting_transcript
from clinwgs.models.structural import StructuralVariant
from tests.support.sv_vcf import write_sv_vcf

REPO = Path(__file__).resolve().parents[3]
BUNDLE_GFF3 = REPO / "reference" / "GRCh38_BRCA1" / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"

# GENEA, + strand, 5 exons. CDS per exon: 50 (150-199), 100, 60, 100, 50 (900-949) = 360 bases (120 codons).
# GENEB, - strand, 2 exons: exon 1 is the higher one (3200-3299), exon 2 (3000-3099).
TINY_GFF3 = """##gff-version 3
chr1\tt\tgene\t100\t1099\t.\t+\t.\tID=gene:GA;Name=GENEA;biotype=protein_coding
chr1\tt\ttranscript\t100\t1099\t.\t+\t.\tID=transcript:TXA1;Parent=gene:GA;biotype=protein_coding
chr1\tt\texon\t100\t199\t.\t+\t.\tParent=transcript:TXA1
chr1\tt\tCDS\t150\t199\t.\t+\t0\tParent=transcript:TXA1
chr1\tt\texon\t300\t399\t.\t+\t.\tParent=transcript:TXA1
chr1\tt\tCDS\t300\t399\t.\t+\t1\tParent=transcript:TXA1
chr1\tt\texon\t500\t559\t.\t+\t.\tParent=transcript:TXA1
chr1\tt\tCDS\t500\t559\t.\t+\t0\tParent=transcript:TXA1
chr1\tt\texon\t700\t799\t.\t+\t.\tParent=transcript:TXA1
chr1\tt\tCDS\t700\t799\t.\t+\t0\tParent=transcript:TXA1
chr1\tt\texon\t900\t1099\t.\t+\t.\tParent=transcript:TXA1
chr1\tt\tCDS\t900\t949\t.\t+\t2\tParent=transcript:TXA1
chr1\tt\ttranscript\t300\t799\t.\t+\t.\tID=transcript:TXA2;Parent=gene:GA;biotype=protein_coding
chr1\tt\texon\t300\t399\t.\t+\t.\tParent=transcript:TXA2
chr1\tt\tCDS\t330\t399\t.\t+\t0\tParent=transcript:TXA2
chr1\tt\texon\t700\t799\t.\t+\t.\tParent=transcript:TXA2
chr1\tt\tCDS\t700\t760\t.\t+\t2\tParent=transcript:TXA2
chr1\tt\tgene\t3000\t3299\t.\t-\t.\tID=gene:GB;Name=GENEB;biotype=protein_coding
chr1\tt\ttranscript\t3000\t3299\t.\t-\t.\tID=transcript:TXB1;Parent=gene:GB;biotype=protein_coding
chr1\tt\texon\t3200\t3299\t.\t-\t.\tParent=transcript:TXB1
chr1\tt\tCDS\t3200\t3250\t.\t-\t0\tParent=transcript:TXB1
chr1\tt\texon\t3000\t3099\t.\t-\t.\tParent=transcript:TXB1
chr1\tt\tCDS\t3050\t3099\t.\t-\t0\tParent=transcript:TXB1
"""


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, list]:  # type: ignore[type-arg]
    path = tmp_path / "tiny.gff3"
    path.write_text(TINY_GFF3, encoding="utf-8")
    return load_transcripts(path)  # type: ignore[return-value]


def _sv(svtype: str, start1: int, end1: int) -> StructuralVariant:
    return StructuralVariant(chrom="chr1", start1=start1, end1=end1, svtype=svtype, length=end1 - start1 + 1)  # type: ignore[arg-type]


def test_transcripts_are_numbered_five_to_three_prime_on_either_strand(tiny: dict) -> None:  # type: ignore[type-arg]
    a = reporting_transcript(tiny["GENEA"], None)
    assert a.id == "TXA1" and a.cds_length == 360  # longest CDS wins without a named transcript
    assert [e.number for e in a.exons] == [1, 2, 3, 4, 5] and a.exons[0].start1 == 100
    b = tiny["GENEB"][0]
    assert (b.exons[0].number, b.exons[0].start1) == (1, 3200)  # minus strand: the higher exon is exon 1
    assert reporting_transcript(tiny["GENEA"], "TXA2.1").id == "TXA2"  # the version is ignored


@pytest.mark.parametrize(
    ("svtype", "start1", "end1", "consequence", "exons", "frame", "nmd"),
    [
        # exon 3 alone: 60 coding bases, 60 % 3 == 0 -> in frame
        ("DEL", 451, 600, "exon_deletion", (3,), "in_frame", None),
        # exon 2: 100 coding bases -> frameshift; exons after it (3, 4, 5) -> NMD expected
        ("DEL", 251, 420, "exon_deletion", (2,), "frameshift", True),
        # exon 4 (100 bases, frameshift) is the penultimate exon -> NMD not expected
        ("DEL", 651, 850, "exon_deletion", (4,), "frameshift", False),
        # exon 1 with the start codon and the 5' end: start lost
        ("DEL", 50, 250, "exon_deletion", (1,), "start_lost", None),
        # exon 2 only partly deleted: the splice effect decides, not the CDS length
        ("DEL", 351, 450, "exon_deletion", (2,), "unknown", None),
        ("DEL", 1, 2000, "whole_gene_deletion", (1, 2, 3, 4, 5), "not_applicable", None),
        ("DEL", 211, 290, "intronic_deletion", (), "not_applicable", None),
        ("DUP", 451, 600, "intragenic_duplication", (3,), "in_frame", None),
        ("DUP", 251, 420, "intragenic_duplication", (2,), "frameshift", True),
        ("DUP", 50, 250, "partial_gene_duplication", (1,), "not_applicable", None),
        ("INV", 451, 600, "inversion_breaking_gene", (3,), "not_applicable", None),
        ("INV", 1, 2000, "inversion_whole_gene", (1, 2, 3, 4, 5), "not_applicable", None),
    ],
)
def test_consequence_class_and_frame(
    tiny: dict,
    svtype: str,
    start1: int,
    end1: int,
    consequence: str,
    exons: tuple,
    frame: str,
    nmd: bool | None,  # type: ignore[type-arg]
) -> None:
    (effect,) = annotate(_sv(svtype, start1, end1), tiny, {})
    assert (effect.gene, effect.consequence, effect.exons, effect.frame) == (
        "GENEA",
        consequence,
        exons,
        frame,
    )
    assert effect.nmd_expected is nmd


def test_the_reporting_transcript_decides_the_exons(tiny: dict) -> None:  # type: ignore[type-arg]
    # on TXA2 (2 exons) the same exon-2 deletion of TXA1 is exon 1, with the start codon
    (effect,) = annotate(_sv("DEL", 251, 420), tiny, {"GENEA": "TXA2"})
    assert (effect.transcript.id, effect.exons, effect.frame, effect.exon_label) == (
        "TXA2",
        (1,),
        "start_lost",
        "exon 1 of 2",
    )


def test_ends_and_strand(tiny: dict) -> None:  # type: ignore[type-arg]
    (last,) = annotate(_sv("DEL", 851, 1500), tiny, {})
    assert (last.exons, last.three_prime, last.five_prime, last.cds_bases) == ((5,), True, False, 50)
    (minus,) = annotate(_sv("DEL", 3150, 3400), tiny, {})  # GENEB's upstream (higher) end
    assert (minus.gene, minus.exons, minus.five_prime, minus.three_prime, minus.frame) == (
        "GENEB",
        (1,),
        True,
        False,
        "start_lost",
    )
    assert annotate(_sv("DEL", 5000, 6000), tiny, {}) == []  # no gene
    both = annotate(_sv("DEL", 900, 3100), tiny, {})  # GENEA's 3' end and GENEB's last exon
    assert [(e.gene, e.consequence) for e in both] == [("GENEA", "exon_deletion"), ("GENEB", "exon_deletion")]


def test_read_sv_vcf_follows_the_contract(tmp_path: Path) -> None:
    vcf = write_sv_vcf(
        tmp_path / "sv.vcf",
        [
            (
                "chr1",
                250,
                "DEL",
                420,
                "CIPOS=-10,10;CIEND=-5,5;CN=1;DEPTH_RATIO=0.52;CALLERS=delly,cnvkit;PE=12;SR=7",
                "PASS",
                "0/1",
            ),
            ("chr1", 450, "DUP", 600, "CALLERS=cnvkit;CN=3;DEPTH_RATIO=1.49", "LowQual", "0/1"),
        ],
    )
    first, second = read_sv_vcf(vcf, "SV001")
    assert (first.start1, first.end1, first.length, first.copy_number) == (251, 420, 170, 1)
    assert (first.ci_start, first.ci_end, first.callers) == ((-10, 10), (-5, 5), ["delly", "cnvkit"])
    assert (first.supporting_pairs, first.supporting_split_reads, first.genotype, first.filters) == (
        12,
        7,
        "0/1",
        [],
    )
    assert first.depth_ratio == pytest.approx(0.52)
    assert (second.svtype, second.filters, second.supporting_pairs) == ("DUP", ["LowQual"], None)


def test_read_sv_vcf_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputIntegrityError, match="not found"):
        read_sv_vcf(tmp_path / "missing.vcf", "SV001")
    bad = write_sv_vcf(tmp_path / "bad.vcf", [("chr1", 500, "CNV", 600, "", "PASS", "0/1")])
    with pytest.raises(InputIntegrityError, match="SVTYPE 'CNV'"):
        read_sv_vcf(bad, "SV001")


# the real bundle: BRCA1 (minus strand), reporting transcript ENST00000357654 = NM_007294.4, 23 exons
BRCA1 = {"BRCA1": "ENST00000357654"}


def test_brca1_exons_1_2_deletion_on_the_bundle_gff3() -> None:
    models = load_transcripts(BUNDLE_GFF3)
    # from intron 2 (exon 3 ends at 43115779, exon 2 starts at 43124017) past the 5' end (43125370)
    event = StructuralVariant(chrom="chr17", start1=43_116_500, end1=43_126_000, svtype="DEL", length=9_501)
    (brca1,) = [e for e in annotate(event, models, BRCA1) if e.gene == "BRCA1"]
    assert brca1.transcript.id == "ENST00000357654" and len(brca1.transcript.exons) == 23
    assert (brca1.consequence, brca1.exons, brca1.exon_label) == ("exon_deletion", (1, 2), "exons 1-2 of 23")
    # exon 1 is 5' UTR; exon 2 holds the ATG (CDS 43124017-43124096: 80 coding bases)
    assert (brca1.frame, brca1.cds_bases, brca1.five_prime, brca1.three_prime) == (
        "start_lost",
        80,
        True,
        False,
    )


def test_brca1_exon_duplication_on_the_bundle_gff3() -> None:
    models = load_transcripts(BUNDLE_GFF3)
    # NM_007294.4 exon 12 (43082404-43082575, 172 bp, all coding) is the founder "exon 13" duplication of the
    # legacy BIC numbering (which skips an exon 4); 172 % 3 == 1 -> frameshift, 11 exons downstream -> NMD
    event = StructuralVariant(chrom="chr17", start1=43_080_001, end1=43_084_000, svtype="DUP", length=4_000)
    (brca1,) = annotate(event, models, BRCA1)
    assert (brca1.consequence, brca1.exons, brca1.frame, brca1.nmd_expected) == (
        "intragenic_duplication",
        (12,),
        "frameshift",
        True,
    )
    # NM_007294.4 exon 13 itself (43076488-43076614, 127 coding bases): 127 % 3 == 1 -> frameshift
    event13 = StructuralVariant(chrom="chr17", start1=43_075_001, end1=43_078_000, svtype="DUP", length=3_000)
    (dup13,) = annotate(event13, models, BRCA1)
    assert (dup13.exons, dup13.frame, dup13.cds_bases) == ((13,), "frameshift", 127)
