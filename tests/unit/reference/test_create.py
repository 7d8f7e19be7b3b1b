"""`clinwgs bundle create` on the real GRCh38 BRCA1 files, and each kind of wrong file it must refuse."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

from clinwgs.core.errors import ConfigError
from clinwgs.reference.builds import accession, build_problems
from clinwgs.reference.bundles import load_manifest, verify_bundle
from clinwgs.reference.create import BundleRequest, create_bundle

REPO = Path(__file__).resolve().parents[3]
B38 = REPO / "reference" / "GRCh38_BRCA1"
FASTA = B38 / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
GFF3 = B38 / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
CLINVAR = B38 / "clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz"
EXAC = B38 / "exac_r0.3.BRCA1.GRCh38.vcf.gz"
GRCH37_SHIFT = 1_847_983  # the GRCh38 BRCA1 gene models are the GRCh37 ones moved by this much


def request(out: Path, **changes: object) -> BundleRequest:
    base = BundleRequest(
        name="LAB38", build="GRCh38", fasta=FASTA, out=out, gff3=GFF3, clinvar=CLINVAR,
        pop_af={"EXAC": EXAC}, releases={"clinvar": "20150204"},
    )  # fmt: skip
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_a_bundle_from_the_real_files_verifies_and_matches_the_shipped_one(tmp_path: Path) -> None:
    manifest = create_bundle(request(tmp_path / "LAB38"))
    bundle = load_manifest(manifest)
    shipped = yaml.safe_load((B38 / "manifest.yaml").read_text())
    assert bundle.files.fasta.sha256 == shipped["files"]["fasta"]["sha256"]
    assert set(verify_bundle(bundle)) >= {"fasta", "gff3", "clinvar", "regions", "pop_af.EXAC"}
    written = yaml.safe_load(manifest.read_text())
    assert written["accessions"] == {"chr17": "NC_000017.11"} and written["contig_naming"] == "ucsc"
    assert written["files"]["clinvar"]["release"] == "20150204"
    # the derived regions are those of the shipped bundle (same FASTA, same rule)
    regions = (tmp_path / "LAB38" / "LAB38.regions.bed").read_text()
    assert regions == (B38 / "GRCh38_BRCA1.regions.bed").read_text()


def _refused(req: BundleRequest) -> str:
    with pytest.raises(ConfigError) as caught:
        create_bundle(req)
    assert not req.out.exists() and not list(req.out.parent.glob(".*.partial")), "nothing may be left behind"
    return str(caught.value)


def test_plain_gzip_fasta_is_refused_with_the_fix(tmp_path: Path) -> None:
    plain = tmp_path / "plain.fa.gz"
    plain.write_bytes(gzip.compress(gzip.decompress(FASTA.read_bytes())))
    message = _refused(request(tmp_path / "out", fasta=plain))
    assert str(plain) in message and "plain gzip, not BGZF" in message and "bgzip" in message


def test_a_manifest_build_that_disagrees_with_the_contig_lengths_is_refused(tmp_path: Path) -> None:
    message = _refused(request(tmp_path / "out", build="GRCh37", gff3=None, clinvar=None, pop_af={}))
    assert "chr17 is 83,257,441 bp, the length of GRCh38 chromosome 17, not GRCh37" in message


def test_gene_models_of_another_build_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "grch37.gff3"
    lines = []
    for line in GFF3.read_text().splitlines():
        cols = line.split("\t")
        if len(cols) == 9:
            cols[3], cols[4] = str(int(cols[3]) - GRCH37_SHIFT), str(int(cols[4]) - GRCH37_SHIFT)
        lines.append("\t".join(cols))
    other.write_text("\n".join(lines) + "\n")
    message = _refused(request(tmp_path / "out", gff3=other))
    assert str(other) in message and "start with ATG" in message and "another build" in message


def test_a_clinvar_whose_ref_alleles_differ_from_the_fasta_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "clinvar.vcf"
    with pysam.FastaFile(str(FASTA)) as fasta:
        bases = {pos: fasta.fetch("chr17", pos - 1, pos).upper() for pos in range(43_100_000, 43_100_400, 20)}
    records = [f"chr17\t{pos}\t.\t{'A' if base != 'A' else 'C'}\tT\t.\t.\t." for pos, base in bases.items()]
    header = "##fileformat=VCFv4.2\n##contig=<ID=chr17,length=83257441>\n"
    header += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    wrong.write_text(header + "\n".join(records) + "\n")
    pysam.tabix_index(str(wrong), preset="vcf", force=True)
    message = _refused(request(tmp_path / "out", clinvar=Path(f"{wrong}.gz")))
    assert "20 of the first 20 REF alleles differ from the FASTA" in message


def test_a_vcf_without_an_index_is_refused_with_the_fix(tmp_path: Path) -> None:
    copy = tmp_path / "exac.vcf.gz"
    copy.write_bytes(EXAC.read_bytes())
    message = _refused(request(tmp_path / "out", pop_af={"EXAC": copy}))
    assert f"tabix -p vcf {copy}" in message


def test_the_command_line_prints_one_line_per_problem_and_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "bundle", "create", "--fasta", str(FASTA), "--build", "GRCh37",
         "--out", str(tmp_path / "new"), "--gff3", str(tmp_path / "absent.gff3")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "absent.gff3: GFF3 does not exist" in done.stderr
    assert not (tmp_path / "new").exists()


def test_build_table() -> None:
    assert accession("GRCh38", "chr17") == "NC_000017.11" and accession("GRCh37", "17") == "NC_000017.10"
    assert accession("GRCh37", "chrM") is None and accession("GRCh38", "chrUn_x") is None
    assert build_problems("GRCh37", {"chr20": 63_025_520}) == []  # the GRCh37 demo bundle's chr20
    assert build_problems("GRCh38", {"chr20": 10_000_000}) == []  # a slice proves nothing either way
