"""Annotate-stage commands: run them with the real bcftools on real calls and check the records."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pysam

from clinwgs.annotate.header import annotate_pipeline, filter_pipeline, write_header
from clinwgs.config.load import Filters
from clinwgs.reference.bundles import load_manifest

ROOT = Path(__file__).resolve().parents[3]
BUNDLE = load_manifest(ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml")
BUNDLE37 = load_manifest(ROOT / "reference" / "GRCh37_chr20" / "manifest.yaml")
FASTA = str(BUNDLE.files.fasta.path)
BAM = ROOT / "reference" / "demo_reads" / "HG00099.BRCA1.GRCh38.bam"


def call(tmp: Path) -> Path:
    out = tmp / "calls.vcf.gz"
    subprocess.run(
        f"bcftools mpileup -f {FASTA} -r chr17:43044294-43060000 -a FORMAT/AD,FORMAT/DP -Ou {BAM}"
        f" | bcftools call -m -v -a GQ -Oz -o {out} && tabix -p vcf {out}",
        shell=True,
        check=True,
        capture_output=True,
    )
    return out


def sh(command: str) -> None:
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, capture_output=True)


def test_filters_are_flags_not_removals(tmp_path: Path) -> None:
    raw = call(tmp_path)
    out = tmp_path / "filtered.vcf.gz"
    # indel={} : the shared thresholds for both types (the default switches LowGQ off for indels)
    sh(filter_pipeline(str(raw), str(out), Filters(min_qual=30, min_depth=8, min_gq=20, indel={})))
    with pysam.VariantFile(str(raw)) as a, pysam.VariantFile(str(out)) as b:
        before, after = list(a), list(b)
    assert len(before) == len(after) > 10
    for rec in after:
        flags = set(rec.filter.keys())
        assert ("LowQual" in flags) == (rec.qual < 30)
        assert ("LowDP" in flags) == (rec.info["DP"] < 8)
        assert ("LowGQ" in flags) == (rec.samples[0]["GQ"] < 20)
        assert flags == {"PASS"} or "PASS" not in flags


def test_per_type_thresholds_and_allele_balance_are_flags(tmp_path: Path) -> None:
    """Indels get their own QUAL threshold; LowAB flags records whose ALT read fraction is below 0.3."""
    raw = call(tmp_path)
    split = tmp_path / "split.vcf.gz"
    sh(f"bcftools norm -m -any -Oz -o {split} {raw}")
    out = tmp_path / "filtered.vcf.gz"
    filters = Filters(min_qual=30, min_depth=8, min_gq=20, min_allele_balance=0.3,
                      indel={"min_qual": 100, "min_allele_balance": 0})
    sh(filter_pipeline(str(split), str(out), filters))
    with pysam.VariantFile(str(out)) as vcf:
        records = list(vcf)
    kinds = {len(r.ref) != len(r.alts[0]) for r in records}
    assert kinds == {True, False}  # the slice has SNVs and indels
    for rec in records:
        flags = set(rec.filter.keys())
        indel = len(rec.ref) != len(rec.alts[0])
        assert ("LowQual" in flags) == (rec.qual < (100 if indel else 30))
        ref_reads, alt_reads = rec.samples[0]["AD"]
        low_ab = not indel and ref_reads + alt_reads > 0 and alt_reads / (ref_reads + alt_reads) < 0.3
        assert ("LowAB" in flags) == low_ab


def test_default_filters_switch_lowgq_off_for_indels_only() -> None:
    """The model default (filters.indel.min_gq 0, chosen from data) keeps LowGQ for SNVs only; with no
    per-type override the three flags are the shared expressions they always were."""
    command = filter_pipeline("in.vcf.gz", "out.vcf.gz", Filters(min_qual=20, min_depth=8, min_gq=20))
    assert command == ("bcftools filter -m+ -s LowQual -e 'QUAL<20.0' -Ou in.vcf.gz"
                       " | bcftools filter -m+ -s LowDP -e 'INFO/DP<8' -Ou"
                       " | bcftools filter -m+ -s LowGQ -e '(TYPE!=\"indel\" && FMT/GQ<20)'"
                       " -Oz -o out.vcf.gz")
    shared = filter_pipeline("in.vcf.gz", "out.vcf.gz",
                             Filters(min_qual=20, min_depth=8, min_gq=20, indel={}))
    assert shared.endswith("bcftools filter -m+ -s LowGQ -e 'FMT/GQ<20' -Oz -o out.vcf.gz")


def test_annotation_writes_the_info_contract(tmp_path: Path) -> None:
    raw = call(tmp_path)
    header = tmp_path / "header.txt"
    write_header(BUNDLE, header)
    out = tmp_path / "annotated.vcf.gz"
    sh(annotate_pipeline(BUNDLE, str(raw), str(out), FASTA, str(header)))
    with pysam.VariantFile(str(out)) as vcf:
        records = {(r.pos, r.ref, r.alts[0]): r for r in vcf}
    # chr17:43044391 G>A is rs12516, ClinVar Benign, ExAC AF 0.324 (the bundle's files)
    rec = records[(43044391, "G", "A")]
    assert rec.info["CLNSIG"] == ("Benign",) and rec.info["CLNVID"] == "rs12516"
    assert abs(rec.info["POP_AF_EXAC"][0] - 0.324) < 1e-6 and "POP_AF_1KG" in rec.info
    assert rec.info["BCSQ"][0].startswith("intron|BRCA1|")
    assert not list(tmp_path.glob("*.step*")), "intermediate files are removed"


def test_bundle_without_gene_models_says_csq_was_skipped(tmp_path: Path) -> None:
    header = tmp_path / "header.txt"
    write_header(BUNDLE37, header)
    assert "csq=skipped: reference bundle GRCh37_chr20 has no gene models" in header.read_text()
    command = annotate_pipeline(BUNDLE37, "in.vcf.gz", "out.vcf.gz", "ref.fa", str(header))
    assert "csq" not in command.split("-h")[1] and "clinvar" not in command


def test_snpeff_inputs_strip_gff_id_prefixes_and_link_the_fasta(tmp_path: Path) -> None:
    from clinwgs.annotate.header import prepare_snpeff_inputs

    gff3 = tmp_path / "in.gff3"
    gff3.write_text(
        "chr17\tx\tgene\t1\t9\t.\t-\t.\tID=gene:ENSG1;Name=BRCA1\n"
        "chr17\tx\tmRNA\t1\t9\t.\t-\t.\tID=transcript:ENST1;Parent=gene:ENSG1\n"
    )
    fasta = tmp_path / "genome.fa.gz"
    fasta.write_bytes(b"not read here")
    config = prepare_snpeff_inputs(gff3, fasta, tmp_path / "db", "B1")
    assert config.read_text() == "data.dir = ./data/\nB1.genome : B1\n"
    genes = (tmp_path / "db" / "data" / "B1" / "genes.gff").read_text()
    assert "ID=ENSG1;Name=BRCA1" in genes and "ID=ENST1;Parent=ENSG1" in genes and "gene:" not in genes
    assert (tmp_path / "db" / "data" / "B1" / "sequences.fa.gz").resolve() == fasta.resolve()
