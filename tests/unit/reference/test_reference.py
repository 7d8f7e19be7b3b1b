"""Reference bundles: manifest loading, sha256 refusal, non-N intervals and scatter chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from clinwgs.core.errors import ReferenceMismatchError
from clinwgs.reference.bundles import chunk_intervals, load_manifest, non_n_intervals, read_bed, verify_bundle

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml"


def test_manifest_paths_are_absolute_and_typed() -> None:
    bundle = load_manifest(MANIFEST)
    assert bundle.build == "GRCh38" and bundle.files.fasta.path.is_absolute()
    assert [p.name for p in bundle.files.pop_af] == ["EXAC", "1KG"]
    assert bundle.key == bundle.files.fasta.sha256[:12]


def test_bundle_verifies() -> None:
    assert set(verify_bundle(load_manifest(MANIFEST))) >= {"fasta", "gff3", "clinvar", "pop_af.EXAC"}


def copy_bundle(tmp_path: Path) -> Path:
    dest = tmp_path / "bundle"
    shutil.copytree(MANIFEST.parent, dest)
    return dest / "manifest.yaml"


def test_changed_file_is_refused_naming_it(tmp_path: Path) -> None:
    manifest = copy_bundle(tmp_path)
    gff = manifest.parent / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
    gff.write_text(gff.read_text() + "# edited\n")
    with pytest.raises(ReferenceMismatchError, match="gff3 sha256 is .* manifest says") as info:
        verify_bundle(load_manifest(manifest))
    assert info.value.path == str(gff)


def test_invalid_manifest_is_refused(tmp_path: Path) -> None:
    manifest = copy_bundle(tmp_path)
    data = yaml.safe_load(manifest.read_text())
    data["build"] = "hg38"
    manifest.write_text(yaml.safe_dump(data))
    with pytest.raises(ReferenceMismatchError, match="'hg38' is not valid; allowed: 'GRCh37', 'GRCh38'"):
        load_manifest(manifest)


def test_non_n_intervals_match_the_shipped_regions_bed() -> None:
    bundle = load_manifest(MANIFEST)
    assert bundle.files.regions is not None
    assert list(non_n_intervals(bundle.files.fasta.path)) == read_bed(bundle.files.regions.path)


def test_non_n_intervals_keep_short_gaps(tmp_path: Path) -> None:
    fasta = tmp_path / "t.fa"
    fasta.write_text(">c\nNNNNACGTNNACGTNNNNNNNNNNACG\n")
    assert list(non_n_intervals(fasta, min_gap=5)) == [("c", 4, 14), ("c", 24, 27)]
    assert list(non_n_intervals(fasta, min_gap=1)) == [("c", 4, 8), ("c", 10, 14), ("c", 24, 27)]


@pytest.mark.parametrize("n", [1, 3, 4, 7, 13])
def test_chunks_cover_every_base_once(n: int) -> None:
    intervals = [("chr1", 100, 1100), ("chr1", 5000, 5013), ("chr2", 0, 250)]
    chunks = chunk_intervals(intervals, n)
    assert len(chunks) == n and all(chunks)
    flat = [iv for chunk in chunks for iv in chunk]
    assert sum(e - s for _, s, e in flat) == 1263
    sizes = [sum(e - s for _, s, e in c) for c in chunks]
    assert max(sizes) - min(sizes) <= 1


def test_chunking_a_real_locus_is_exact() -> None:
    # regression: float boundaries once made this loop forever (81,190 bp into 4 chunks)
    chunks = chunk_intervals([("chr17", 43044293, 43125483)], 4)
    assert chunks[0][0][1] == 43044293 and chunks[-1][-1][2] == 43125483


def test_too_many_chunks_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot split 3 bp into 4 chunks"):
        chunk_intervals([("c", 0, 3)], 4)
