"""Reference bundles: manifests match their files, every file has provenance, controls are what they claim."""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any

import pysam
import pytest
import yaml

from clinwgs.reference.bundles import load_manifest, verify_bundle

ROOT = Path(__file__).resolve().parents[3]
REF = ROOT / "reference"
BRCA1 = REF / "GRCh38_BRCA1"
FASTA = BRCA1 / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
GFF3 = BRCA1 / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"
CLINVAR = BRCA1 / "clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz"
MANIFESTS = sorted(REF.glob("*/manifest.yaml"))
SCRIPTS = {"build_bundles.py", "build_gene_table.py", "build_constraint_table.py"}
NOT_DATA = {"README.md", "PROVENANCE.tsv", "manifest.yaml", "checksums.yaml", *SCRIPTS}
CANONICAL_TX = "ENST00000357654"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(path: Path) -> dict[str, dict[str, str]]:
    """Rows keyed by path relative to the sheet's folder (column `path`, or `file` in older sheets)."""
    with path.open() as fh:
        return {row.get("path") or row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


def all_provenance() -> dict[str, dict[str, str]]:
    """reference/PROVENANCE.tsv plus any folder's own PROVENANCE.tsv, keyed by path relative to reference/."""
    rows = provenance(REF / "PROVENANCE.tsv")
    for sheet in REF.glob("*/PROVENANCE.tsv"):
        folder = sheet.parent.relative_to(REF).as_posix()
        rows.update({f"{folder}/{k}": v for k, v in provenance(sheet).items()})
    return rows


def entries(files: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file entry of a manifest, pop_af items and indexes included."""
    out: list[dict[str, Any]] = []
    for value in files.values():
        for item in value if isinstance(value, list) else [value]:
            out.append(item)
            out.extend(item.get("indexes", []))
    return out


def test_expected_bundles_exist() -> None:
    names = {m.parent.name for m in MANIFESTS}
    assert {"GRCh38_BRCA1", "GRCh37_chr20", "GRCh38_chr20_HG002"} <= names


@pytest.mark.parametrize(
    "manifest", [*MANIFESTS, REF / "demo_reads" / "checksums.yaml"], ids=lambda p: p.parent.name
)
def test_manifest_sha256_match_the_files(manifest: Path) -> None:
    files = yaml.safe_load(manifest.read_text())["files"]
    listed = entries(files)
    assert listed
    for entry in listed:
        path = manifest.parent / entry["path"]
        assert path.is_file(), f"{manifest}: {entry['path']} missing"
        assert sha256(path) == entry["sha256"], f"{manifest}: {entry['path']} sha256 differs"


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.parent.name)
def test_bundle_manifests_load_and_verify_with_the_workflow_loader(manifest: Path) -> None:
    bundle = load_manifest(manifest)
    assert bundle.name == manifest.parent.name
    assert set(verify_bundle(bundle)) >= {"fasta", "regions"}


def test_every_reference_file_has_a_matching_provenance_line() -> None:
    rows = all_provenance()
    data = [p for p in REF.rglob("*") if p.is_file() and p.name not in NOT_DATA]
    assert len(data) >= 30
    for path in data:
        rel = path.relative_to(REF).as_posix()
        assert rel in rows, f"no provenance line for reference/{rel}"
        if rows[rel]["md5"] != "-":  # hand-written files in other folders' sheets carry no md5
            assert rows[rel]["md5"] == hashlib.md5(path.read_bytes()).hexdigest(), rel
        assert rows[rel]["source_repo"] and rows[rel]["licence_terms"], rel
    assert all((REF / rel).is_file() for rel in rows), "provenance line for a file that is not there"


def test_reference_folder_stays_small() -> None:
    total = sum(p.stat().st_size for p in REF.rglob("*") if p.is_file())
    assert total < 30 * 1024 * 1024


def test_test_fixtures_have_provenance() -> None:
    data = ROOT / "tests" / "data"
    rows = provenance(data / "PROVENANCE.tsv")
    for path in (data / "brca1_slice").iterdir():
        rel = path.relative_to(data).as_posix()
        assert rows[rel]["md5"] == hashlib.md5(path.read_bytes()).hexdigest(), rel


def test_regions_bed_is_exactly_the_non_n_sequence() -> None:
    (chrom, start0, end0), *rest = [
        line.split("\t") for line in (BRCA1 / "GRCh38_BRCA1.regions.bed").read_text().split("\n") if line
    ]
    assert rest == []
    with pysam.FastaFile(str(FASTA)) as fa:
        inside = fa.fetch(chrom, int(start0), int(end0)).upper()
        flanks = fa.fetch(chrom, int(start0) - 1000, int(start0)) + fa.fetch(
            chrom, int(end0), int(end0) + 1000
        )
    assert set(inside) <= set("ACGT") and set(flanks) == {"N"}


def csq_local(vcf: Path) -> dict[int, str]:
    """POS -> consequence on the canonical BRCA1 transcript, bcftools csq per variant (-l)."""
    out = subprocess.run(
        ["bcftools", "csq", "-l", "-f", str(FASTA), "-g", str(GFF3), "-Ov", str(vcf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = {}
    for line in out.splitlines():
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        bcsq = next(kv[5:] for kv in fields[7].split(";") if kv.startswith("BCSQ="))
        result[int(fields[1])] = next(c.split("|")[0] for c in bcsq.split(",") if CANONICAL_TX in c)
    return result


def vcf_rows(path: Path) -> list[dict[str, str]]:
    rows = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            f = line.split("\t")
            info = dict(kv.split("=", 1) for kv in f[7].split(";"))
            rows.append({"pos": f[1], "id": f[2], "ref": f[3], "alt": f[4], "gt": f[9], **info})
    return rows


def clinvar_record(pos: int, ref: str, alt: str, rsid: str) -> pysam.VariantRecord:
    with pysam.VariantFile(str(CLINVAR)) as vcf:
        key = (pos, ref, (alt,), rsid)
        hits = [r for r in vcf.fetch("chr17", pos - 1, pos) if (r.pos, r.ref, r.alts, r.id) == key]
    assert len(hits) == 1, f"chr17:{pos} {ref}>{alt} {rsid} is not (once) in the bundled ClinVar"
    return hits[0]


@pytest.mark.parametrize(
    "vcf",
    [REF / "demo_reads" / "PC001.variants.vcf", REF / "controls" / "brca1_controls.vcf"],
    ids=["PC001", "controls"],
)
def test_control_variants_are_real_clinvar_records_with_the_stated_consequence(vcf: Path) -> None:
    rows = vcf_rows(vcf)
    consequences = csq_local(vcf)
    with pysam.FastaFile(str(FASTA)) as fa:
        for row in rows:
            pos = int(row["pos"])
            assert fa.fetch("chr17", pos - 1, pos - 1 + len(row["ref"])) == row["ref"]
            record = clinvar_record(pos, row["ref"], row["alt"], row["id"])
            assert "|".join(record.info["CLNSIG"]) == row["CLINVAR_SIG"]
            assert ",".join(record.info["CLNREVSTAT"]) == row["CLINVAR_REVSTAT"]
            assert row["CLINVAR_REVSTAT"].startswith("criteria_provided")  # >= 1 star
            assert set(row["CLINVAR_RCV"].split(",")) == set(record.info["CLNACC_2015"][0].split("|"))
            assert consequences[pos] == row["EXPECTED_CSQ"]


def test_pc001_is_a_heterozygous_pathogenic_frameshift() -> None:
    (row,) = vcf_rows(REF / "demo_reads" / "PC001.variants.vcf")
    assert row["gt"] == "0/1" and row["EXPECTED_CSQ"] == "frameshift"
    assert row["CLINVAR_SIG"].split("|")[0] == "Pathogenic"


def test_controls_cover_each_kind_and_are_spaced() -> None:
    rows = vcf_rows(REF / "controls" / "brca1_controls.vcf")
    kinds = [r["CONTROL_TYPE"] for r in rows]
    assert {"deletion", "duplication", "splice_canonical", "benign_snv"} <= set(kinds)
    assert {"snv_stop_gained", "snv_missense"} & set(kinds)
    assert 2 <= kinds.count("benign_snv") <= 3
    positions = sorted(int(r["pos"]) for r in rows)
    assert min(b - a for a, b in zip(positions, positions[1:], strict=False)) >= 500
    for r in rows:
        expected = "Benign" if r["EXPECTED_CLASS"] == "benign" else "Pathogenic"
        assert r["CLINVAR_SIG"].split("|")[0] == expected


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.parent.name)
def test_every_bundle_vcf_agrees_with_the_bundle_fasta(manifest: Path) -> None:
    """bcftools norm --check-ref e exits non-zero on the first REF that differs from the FASTA."""
    files = yaml.safe_load(manifest.read_text())["files"]
    fasta = manifest.parent / files["fasta"]["path"]
    vcfs = [manifest.parent / e["path"] for e in entries(files) if str(e["path"]).endswith(".vcf.gz")]
    assert vcfs
    for vcf in vcfs:
        run = subprocess.run(
            ["bcftools", "norm", "-c", "e", "-f", str(fasta), "-Ou", "-o", "/dev/null", str(vcf)],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, f"{vcf}: {run.stderr}"
        skipped = re.search(r"total/split/realigned/skipped:\s+\d+/\d+/\d+/(\d+)", run.stderr)
        assert skipped and skipped.group(1) == "0", run.stderr
