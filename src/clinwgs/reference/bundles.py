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
from clinwgs.core.errors import ConfigError, ReferenceMismatchError
from clinwgs.core.io import load_yaml_strict, sha256_file, write_json_atomic, write_text_atomic


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


def verify_bundle(bundle: Bundle) -> dict[str, str]:
    """Check every file of the bundle against its manifest sha256; return {name: sha256}.

    Raises ReferenceMismatchError naming the first file that is missing or differs."""
    verified = {}
    for name, entry in bundle.all_files():
        if not entry.path.is_file():
            raise ReferenceMismatchError(f"bundle {bundle.name}: {name} file is missing", path=entry.path)
        actual = sha256_file(entry.path)
        if actual != entry.sha256:
            raise ReferenceMismatchError(
                f"bundle {bundle.name}: {name} sha256 is {actual}, manifest says {entry.sha256}; "
                "the file changed or the manifest is stale - refusing to run",
                path=entry.path,
            )
        verified[name] = actual
    return verified


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
