"""Reference bundles: manifest loading, sha256 verification, analysable (non-N) intervals and scatter chunks.

Coordinates: intervals are BED-style, `start0` 0-based inclusive, `end0` 0-based exclusive.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pysam
from pydantic import BaseModel, ConfigDict

from clinwgs.config.sheets import schema_problems
from clinwgs.core.errors import ClinwgsError, ConfigError, ReferenceMismatchError
from clinwgs.core.io import compression, load_yaml_strict, sha256_file, write_json_atomic, write_text_atomic
from clinwgs.inputs.fasta import check_fai, index_fasta
from clinwgs.reference.builds import build_problems
from clinwgs.reference.consistency import (
    bgzf_problem,
    gff3_problems,
    gzi_problem,
    open_fasta,
    vcf_problems,
)


class BundleFile(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    path: Path  # absolute after load_manifest
    sha256: str
    source: str | None = None
    release: str | None = None


class PopAfFile(BundleFile):
    name: str  # becomes INFO/POP_AF_<name>
    info_field: str = "AF"


class BundleFiles(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    fasta: BundleFile
    gff3: BundleFile | None = None
    clinvar: BundleFile | None = None
    regions: BundleFile | None = None
    pop_af: list[PopAfFile] = []
    fingerprint: BundleFile | None = None  # sample-identity SNP panel (clinwgs.identity)


class Bundle(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    build: Literal["GRCh37", "GRCh38"]
    contig_naming: Literal["ucsc", "ensembl"]
    files: BundleFiles
    manifest: Path

    @property
    def key(self) -> str:
        """Cache key of derived indexes: the first 12 hex digits of the FASTA's sha256."""
        return self.files.fasta.sha256[:12]

    def all_files(self) -> list[tuple[str, BundleFile]]:
        named: list[tuple[str, BundleFile | None]] = [
            ("fasta", self.files.fasta), ("gff3", self.files.gff3),
            ("clinvar", self.files.clinvar), ("regions", self.files.regions),
            ("fingerprint", self.files.fingerprint),
        ]
        named += [(f"pop_af.{p.name}", p) for p in self.files.pop_af]
        return [(n, f) for n, f in named if f is not None]


def load_manifest(path: Path) -> Bundle:
    """Parse and schema-check a manifest; file paths become absolute (they are relative to the manifest)."""
    try:
        data = load_yaml_strict(path)
    except OSError as exc:
        raise ReferenceMismatchError(f"cannot read reference manifest: {exc.strerror}", path=path) from exc
    except ConfigError as exc:
        raise ReferenceMismatchError(
            "cannot read reference manifest: " + "; ".join(exc.problems), path=path
        ) from exc
    problems = schema_problems(data, "manifest", str(path))
    if problems:
        raise ReferenceMismatchError("invalid manifest:\n  " + "\n  ".join(problems), path=path)
    base = path.resolve().parent
    files = data["files"]
    entries = [files[k] for k in ("fasta", "gff3", "clinvar", "regions", "fingerprint") if k in files]
    for entry in entries + files.get("pop_af", []):
        entry["path"] = str(base / entry["path"])
    return Bundle(**data, manifest=path.resolve())


def _indexes(bundle: Bundle, name: str, entry: BundleFile) -> list[tuple[str, BundleFile]]:
    """The index files (.fai, .gzi, .tbi) a manifest lists under a file's ``indexes``, paths made absolute."""
    listed = (entry.model_extra or {}).get("indexes") or []
    base = bundle.manifest.parent
    return [
        (f"{name} index {Path(i['path']).name}", BundleFile(path=base / i["path"], sha256=i["sha256"]))
        for i in listed
        if isinstance(i, dict) and "path" in i and "sha256" in i
    ]


def verify_bundle(bundle: Bundle) -> dict[str, str]:
    """Check every file of the bundle (and every index it lists) against its manifest sha256, then that the
    files agree with the FASTA (``consistency_problems``); return {name: sha256}.

    Raises ReferenceMismatchError naming the first file that is missing or differs, or the first
    inconsistency (with the number of further ones)."""
    verified = {}
    for name, entry in bundle.all_files():
        for label, item in [(name, entry), *_indexes(bundle, name, entry)]:
            if not item.path.is_file():
                raise ReferenceMismatchError(f"bundle {bundle.name}: {label} file is missing", path=item.path)
            actual = sha256_file(item.path)
            if actual != item.sha256:
                raise ReferenceMismatchError(
                    f"bundle {bundle.name}: {label} sha256 is {actual}, manifest says {item.sha256}; "
                    "the file changed or the manifest is stale - refusing to run",
                    path=item.path,
                )
            if label == name:
                verified[name] = actual
    problems = consistency_problems(bundle)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise ReferenceMismatchError(
            f"bundle {bundle.name}: {problems[0]}{more} - refusing to run", path=bundle.manifest
        )
    return verified


def consistency_problems(bundle: Bundle) -> list[str]:
    """The bundle's files against its FASTA (``clinwgs.reference.consistency``): no plain-gzip FASTA, a
    ``.fai`` and ``.gzi`` (when shipped) that match it, a build that agrees with the contig lengths, gene
    models on these contigs whose CDS start with ATG, ClinVar/population VCFs whose REF alleles match.
    Seconds on the demo bundles (block headers and one pass over the FASTA; the VCF checks stop after their
    first records)."""
    fasta = bundle.files.fasta.path
    kind = compression(fasta)
    if kind == "gzip":
        return [str(bgzf_problem(fasta, "the FASTA"))]
    fai, gzi = Path(f"{fasta}.fai"), Path(f"{fasta}.gzi")
    if kind == "bgzf" and (fai.is_file() or gzi.is_file()):
        problem = gzi_problem(fasta, gzi)
        if problem:
            return [problem]
    try:
        entries = check_fai(fasta, fai) if fai.is_file() else index_fasta(fasta)
    except ClinwgsError as exc:
        return [f"{exc.path or fai}: {exc.message}; run `samtools faidx {fasta}`"]
    lengths = {e.name: e.length for e in entries}
    problems = [f"{fasta}: {p}: the manifest's build is wrong" for p in build_problems(bundle.build, lengths)]
    with open_fasta(fasta) as handle:
        if bundle.files.gff3 is not None:
            problems += gff3_problems(bundle.files.gff3.path, lengths, handle)
        if bundle.files.clinvar is not None:
            problems += vcf_problems(bundle.files.clinvar.path, "the ClinVar VCF", lengths, handle)
        for pop in bundle.files.pop_af:
            problems += vcf_problems(pop.path, f"population AF VCF {pop.name}", lengths, handle)
    return problems


def write_verification(bundle: Bundle, out: Path) -> None:
    """Verify the bundle and write the result as JSON (temp name, then rename)."""
    record = {"bundle": bundle.name, "build": bundle.build, "manifest": str(bundle.manifest)}
    record["sha256"] = verify_bundle(bundle)  # type: ignore[assignment]
    write_json_atomic(out, record, sort_keys=False)


def non_n_intervals(fasta: Path, min_gap: int = 1000) -> Iterator[tuple[str, int, int]]:
    """Yield (chrom, start0, end0) of sequence that is not N; N runs shorter than min_gap are kept inside."""
    with pysam.FastxFile(str(fasta)) as handle:
        for record in handle:
            seq = (record.sequence or "").upper()
            yield from _runs(str(record.name), seq, min_gap)


def _runs(chrom: str, seq: str, min_gap: int) -> Iterator[tuple[str, int, int]]:
    start: int | None = None
    end = 0
    pos = 0
    length = len(seq)
    while pos < length:
        nxt = seq.find("N", pos)
        stop = length if nxt == -1 else nxt
        if stop > pos:
            if start is not None and pos - end < min_gap:
                end = stop
            else:
                if start is not None:
                    yield chrom, start, end
                start, end = pos, stop
        if nxt == -1:
            break
        pos = nxt
        while pos < length and seq[pos] == "N":
            pos += 1
    if start is not None:
        yield chrom, start, end


def read_bed(path: Path) -> list[tuple[str, int, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "track", "browser")):
            chrom, start0, end0 = line.split("\t")[:3]
            rows.append((chrom, int(start0), int(end0)))
    return rows


def chunk_intervals(intervals: list[tuple[str, int, int]], n: int) -> list[list[tuple[str, int, int]]]:
    """Split intervals into n chunks of near-equal total length (splitting intervals where needed).

    Every chunk is non-empty as long as the total length is at least n."""
    total = sum(e - s for _, s, e in intervals)
    if n < 1 or total < n:
        raise ValueError(f"cannot split {total} bp into {n} chunks")
    bounds = [total * (i + 1) // n for i in range(n)]  # cumulative bp at the end of each chunk
    chunks: list[list[tuple[str, int, int]]] = [[] for _ in range(n)]
    done = 0
    index = 0
    for chrom, start0, end0 in intervals:
        pos = start0
        while pos < end0:
            while done >= bounds[index]:
                index += 1
            take = min(end0 - pos, bounds[index] - done)
            chunks[index].append((chrom, pos, pos + take))
            pos += take
            done += take
    return chunks


def write_bed(intervals: list[tuple[str, int, int]], out: Path) -> None:
    write_text_atomic(out, "".join(f"{c}\t{s}\t{e}\n" for c, s, e in intervals))
