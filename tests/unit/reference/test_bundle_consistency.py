"""``verify_bundle`` after the sha256s: the bundle's files must agree with its FASTA. Each bad bundle is a
copy of a shipped one with one real file swapped or changed, and its manifest re-hashed so that only the
consistency check can catch it."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from clinwgs.core.errors import ReferenceMismatchError
from clinwgs.reference.bundles import load_manifest, verify_bundle
from clinwgs.reference.consistency import bgzf_blocks, gzi_problem
from tests.support.tools import require

REF = Path(__file__).resolve().parents[3] / "reference"
GRCH37_SHIFT = 1_847_983  # the GRCh38 BRCA1 gene models are the GRCh37 ones moved by this much


def copy_bundle(name: str, tmp: Path) -> Path:
    out = tmp / name
    shutil.copytree(REF / name, out)
    return out / "manifest.yaml"


def rehash(manifest: Path) -> Path:
    """Write every sha256 afresh, so that a changed file passes the sha256 step."""
    data = yaml.safe_load(manifest.read_text())
    for value in data["files"].values():
        for entry in value if isinstance(value, list) else [value]:
            for item in [entry, *entry.get("indexes", [])]:
                item["sha256"] = hashlib.sha256((manifest.parent / item["path"]).read_bytes()).hexdigest()
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    return manifest


def refused(manifest: Path) -> str:
    with pytest.raises(ReferenceMismatchError) as caught:
        verify_bundle(load_manifest(manifest))
    return str(caught.value)


@pytest.mark.parametrize("name", ["GRCh38_BRCA1", "GRCh37_chr20", "GRCh38_chr20_HG002"])
def test_the_shipped_bundles_are_consistent(name: str) -> None:
    assert "fasta" in verify_bundle(load_manifest(REF / name / "manifest.yaml"))


def test_gene_models_of_another_build_are_refused(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh38_BRCA1", tmp_path)
    gff3 = manifest.parent / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
    lines = []
    for line in gff3.read_text().splitlines():  # back to the GRCh37 coordinates they were lifted from
        cols = line.split("\t")
        if len(cols) == 9:
            cols[3], cols[4] = str(int(cols[3]) - GRCH37_SHIFT), str(int(cols[4]) - GRCH37_SHIFT)
        lines.append("\t".join(cols))
    gff3.write_text("\n".join(lines) + "\n")
    message = refused(rehash(manifest))
    assert "start with ATG in this FASTA" in message and "another build" in message


def test_grch37_gene_models_on_grch37_contig_names_are_refused(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh38_BRCA1", tmp_path)
    gff3 = manifest.parent / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
    gff3.write_text(
        "".join(ln if ln.startswith("#") else "17" + ln.removeprefix("chr17") for ln in gff3.open())
    )
    assert "contig '17' is not in the FASTA" in refused(rehash(manifest))


def test_a_manifest_build_that_disagrees_with_the_fasta_is_refused(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh37_chr20", tmp_path)
    manifest.write_text(manifest.read_text().replace("build: GRCh37", "build: GRCh38"))
    message = refused(manifest)
    assert "chr20 is 63,025,520 bp, the length of GRCh37 chromosome 20, not GRCh38" in message
    assert "the manifest's build is wrong" in message


def test_a_plain_gzip_fasta_is_refused(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh38_chr20_HG002", tmp_path)
    fasta = manifest.parent / "GRCh38_chr20_1-10Mb.fa.gz"
    fasta.write_bytes(gzip.compress(gzip.decompress(fasta.read_bytes())))
    message = refused(rehash(manifest))
    assert "plain gzip, not BGZF" in message and "bgzip" in message


def test_a_wrong_fai_is_refused(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh38_chr20_HG002", tmp_path)
    fai = manifest.parent / "GRCh38_chr20_1-10Mb.fa.gz.fai"
    name, length, offset, bases, width = fai.read_text().split()
    fai.write_text(f"{name}\t{length}\t{offset}\t{int(bases) - 10}\t{int(width) - 10}\n")
    message = refused(rehash(manifest))
    assert ".fai does not match the FASTA for chr20: linebases" in message and "samtools faidx" in message


def test_a_gzi_of_another_fasta_is_refused(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh38_BRCA1", tmp_path)
    gzi = manifest.parent / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz.gzi"
    shutil.copyfile(REF / "GRCh37_chr20" / "ucsc.hg19.chr20.unittest.fasta.gz.gzi", gzi)
    message = refused(rehash(manifest))
    assert "the .gzi does not match the FASTA's BGZF blocks" in message and "bgzip -r" in message


def test_a_missing_or_empty_gzi_is_refused(tmp_path: Path) -> None:
    fasta = REF / "GRCh38_chr20_HG002" / "GRCh38_chr20_1-10Mb.fa.gz"
    empty = tmp_path / "empty.gzi"
    empty.write_bytes(b"")
    assert "missing or empty" in str(gzi_problem(fasta, empty))
    assert "missing or empty" in str(gzi_problem(fasta, tmp_path / "absent.gzi"))


def test_the_gzi_check_agrees_with_bgzip(tmp_path: Path) -> None:
    """The block table read from the headers is what ``bgzip -r`` writes (the shipped .gzi files)."""
    for manifest in REF.glob("*/manifest.yaml"):
        fasta = load_manifest(manifest).files.fasta.path
        assert gzi_problem(fasta, Path(f"{fasta}.gzi")) is None
        assert bgzf_blocks(fasta)[-1][2] == 0  # the empty end-of-file block


def test_a_changed_index_file_is_caught_by_its_sha256(tmp_path: Path) -> None:
    manifest = copy_bundle("GRCh38_chr20_HG002", tmp_path)
    fai = manifest.parent / "GRCh38_chr20_1-10Mb.fa.gz.fai"
    fai.write_text(fai.read_text().replace("chr20", "chr21"))
    assert "fasta index GRCh38_chr20_1-10Mb.fa.gz.fai sha256 is" in refused(manifest)


def test_a_gzi_rebuilt_by_bgzip_passes_and_equals_the_shipped_one(tmp_path: Path) -> None:
    require(shutil.which("bgzip"), "bgzip (htslib / tabix package)")
    shipped = REF / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
    fasta = tmp_path / "ref.fa.gz"
    shutil.copyfile(shipped, fasta)
    subprocess.run(["bgzip", "-r", str(fasta)], check=True)
    gzi = Path(f"{fasta}.gzi")
    assert gzi_problem(fasta, gzi) is None
    assert gzi.read_bytes() == Path(f"{shipped}.gzi").read_bytes()


def test_an_uncompressed_fasta_without_indexes_passes_and_nothing_is_written_there(tmp_path: Path) -> None:
    fasta = tmp_path / "slice.fa"
    fasta.write_bytes((REF.parent / "tests" / "data" / "brca1_slice" / "brca1_slice.fa").read_bytes())
    manifest = tmp_path / "manifest.yaml"
    digest = hashlib.sha256(fasta.read_bytes()).hexdigest()
    files = {"fasta": {"path": "slice.fa", "sha256": digest}}
    data = {"name": "S", "build": "GRCh38", "contig_naming": "ucsc", "files": files}
    manifest.write_text(yaml.safe_dump(data))
    assert set(verify_bundle(load_manifest(manifest))) == {"fasta"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.yaml", "slice.fa"]
