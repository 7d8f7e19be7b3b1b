"""`clinwgs bundle create`: a lab's own reference bundle, every file checked, with a verified manifest.

The files are copied into the bundle folder (the manifest's paths are relative to it), the FASTA is indexed
afresh there (``samtools faidx``: a stale ``.fai`` beside the lab's FASTA can never come along), the
analysable regions BED is derived from the FASTA's non-N runs, and the manifest records each file's sha256.
Every problem found is reported together, each with what to do about it; nothing is written unless all pass.
Coordinates: GFF3 is 1-based inclusive; VCF POS is 1-based.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pysam
import yaml

from clinwgs.core.errors import ConfigError
from clinwgs.core.io import sha256_file
from clinwgs.reference.builds import Build, accession, build_problems
from clinwgs.reference.bundles import load_manifest, non_n_intervals, verify_bundle, write_bed
from clinwgs.reference.consistency import bgzf_problem, gff3_problems, vcf_problems


@dataclass
class BundleRequest:
    name: str
    build: Build
    fasta: Path
    out: Path
    gff3: Path | None = None
    clinvar: Path | None = None
    pop_af: dict[str, Path] = field(default_factory=dict)  # NAME -> VCF with INFO/AF
    releases: dict[str, str] = field(default_factory=dict)  # fasta, gff3, clinvar or a pop_af NAME -> text


def _entry(path: Path, out: Path, release: str | None, source: Path) -> dict[str, object]:
    entry: dict[str, object] = {"path": path.name, "sha256": sha256_file(out / path.name)}
    entry["source"] = f"given to clinwgs bundle create as {source.name}"
    entry["release"] = release or "not stated (give --release)"
    indexes = [out / f"{path.name}{suffix}" for suffix in (".fai", ".gzi", ".tbi", ".csi")]
    listed = [{"path": i.name, "sha256": sha256_file(i)} for i in indexes if i.is_file()]
    return {**entry, "indexes": listed} if listed else entry


def _copy(src: Path, out: Path, with_index: bool) -> Path:
    dest = out / src.name
    shutil.copyfile(src, dest)
    for suffix in (".tbi", ".csi") if with_index else ():
        if Path(f"{src}{suffix}").is_file():
            shutil.copyfile(f"{src}{suffix}", f"{dest}{suffix}")
    return dest


def check_request(req: BundleRequest, staged_fasta: Path) -> list[str]:
    """Every problem with the lab's files, each naming the file and what to do; empty when all pass.
    ``staged_fasta``: the bundle's own copy of the FASTA, freshly indexed."""
    problems: list[str] = []
    with pysam.FastaFile(str(staged_fasta)) as fasta:
        lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
        for problem in build_problems(req.build, lengths):
            problems.append(f"{req.fasta}: {problem}; give the --build of this FASTA")
        if req.gff3 is not None:
            problems += gff3_problems(req.gff3, lengths, fasta)
        if req.clinvar is not None:
            problems += vcf_problems(req.clinvar, "the ClinVar VCF", lengths, fasta)
        for name, path in req.pop_af.items():
            problems += vcf_problems(path, f"population AF VCF {name}", lengths, fasta)
    return problems


def _first_problems(req: BundleRequest) -> list[str]:
    """Problems that stop before anything is copied: missing files, a FASTA that is not BGZF, the output."""
    given = [("FASTA", req.fasta), ("GFF3", req.gff3), ("ClinVar VCF", req.clinvar)]
    given += [(f"population AF VCF {n}", p) for n, p in req.pop_af.items()]
    problems = [f"{p}: {what} does not exist" for what, p in given if p is not None and not p.is_file()]
    if req.out.exists() and (not req.out.is_dir() or any(req.out.iterdir())):
        problems.append(f"{req.out}: exists and is not an empty folder; give a new --out")
    if not problems:
        problems += [p for p in [bgzf_problem(req.fasta, "the FASTA")] if p]
    return problems


def create_bundle(req: BundleRequest) -> Path:
    """Check every file, then write the bundle folder and its manifest; returns the manifest's path.
    The bundle is assembled in a hidden sibling folder and renamed into place only when it verifies."""
    problems = _first_problems(req)
    if problems:
        raise ConfigError(problems, path=req.fasta)
    staging = req.out.parent / f".{req.out.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        manifest = _write_bundle(req, staging)
        req.out.mkdir(parents=True, exist_ok=True)
        req.out.rmdir()
        staging.rename(req.out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return req.out / manifest.name


def _write_bundle(req: BundleRequest, out: Path) -> Path:
    fasta = _copy(req.fasta, out, with_index=False)
    done = subprocess.run(["samtools", "faidx", str(fasta)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigError([f"{req.fasta}: samtools faidx failed: {' '.join(done.stderr.split())[:200]}"])
    problems = check_request(req, fasta)
    if problems:
        raise ConfigError(problems, path=req.fasta)
    with pysam.FastaFile(str(fasta)) as handle:
        contigs = list(handle.references)
    regions = out / f"{req.name}.regions.bed"
    write_bed(list(non_n_intervals(fasta)), regions)
    files: dict[str, object] = {"fasta": _entry(fasta, out, req.releases.get("fasta"), req.fasta)}
    if req.gff3 is not None:
        files["gff3"] = _entry(_copy(req.gff3, out, False), out, req.releases.get("gff3"), req.gff3)
    if req.clinvar is not None:
        copy = _copy(req.clinvar, out, True)
        files["clinvar"] = _entry(copy, out, req.releases.get("clinvar"), req.clinvar)
    if req.pop_af:
        files["pop_af"] = [
            {**_entry(_copy(p, out, True), out, req.releases.get(n), p), "name": n, "info_field": "AF"}
            for n, p in req.pop_af.items()
        ]
    files["regions"] = {
        "path": regions.name, "sha256": sha256_file(regions),
        "source": "derived: non-N runs of the FASTA (clinwgs bundle create)", "release": req.build,
    }  # fmt: skip
    accessions = {c: a for c in contigs if (a := accession(req.build, c))}
    manifest: dict[str, object] = {
        "name": req.name,
        "build": req.build,
        "contig_naming": "ucsc" if all(c.startswith("chr") for c in contigs) else "ensembl",
        **({"accessions": accessions} if accessions else {}),
        "files": files,
    }
    path = out / "manifest.yaml"
    header = f"# Written by clinwgs bundle create on {datetime.now(UTC).date().isoformat()}\n"
    path.write_text(header + yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    verify_bundle(load_manifest(path))
    return path
