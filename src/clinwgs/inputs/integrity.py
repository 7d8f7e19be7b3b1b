"""Input-integrity checks that standard tools skip (see DESIGN.md "Input pitfalls").

Each check reads the whole file, raises ``InputIntegrityError`` / ``ReferenceMismatchError`` naming the file
(and sample) and the problem, and returns a small summary. The sheet/FASTQ/BAM/reference validators of the
workflow call these; ``clinwgs audit check-*`` exposes them on the command line.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

import yaml

from clinwgs.core.errors import ConfigError, InputIntegrityError, ReferenceMismatchError

QUAL_MIN, QUAL_MAX = 33, 126
SEQ_CHARS = frozenset("ACGTNacgtn.")


def verify_sha256(path: Path, expected: str, *, sample: str | None = None) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected.strip().lower():
        raise InputIntegrityError(
            f"sha256 mismatch: units.tsv gives {expected.strip()[:16]}…, file has {digest.hexdigest()[:16]}…",
            path=path,
            sample=sample,
        )


def _open_fastq(path: Path) -> IO[bytes]:
    with path.open("rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    return cast(IO[bytes], gzip.open(path, "rb")) if gz else path.open("rb")


def _records(path: Path, sample: str | None) -> Iterator[bytes]:
    """Yield read names of a FASTQ, checking every record's four lines."""
    try:
        with _open_fastq(path) as handle:
            n = 0
            while True:
                head = handle.readline()
                if not head:
                    return
                seq, plus, qual = handle.readline(), handle.readline(), handle.readline()
                n += 1
                _check_fastq_record(path, sample, n, head, seq, plus, qual)
                yield _read_name(head)
    except (EOFError, OSError, zlib.error) as exc:
        raise InputIntegrityError(
            f"FASTQ is truncated or not valid gzip ({type(exc).__name__}: {exc})", path=path, sample=sample
        ) from exc


def _check_fastq_record(
    path: Path, sample: str | None, n: int, head: bytes, seq: bytes, plus: bytes, qual: bytes
) -> None:
    def fail(problem: str) -> InputIntegrityError:
        return InputIntegrityError(f"FASTQ record {n}: {problem}", path=path, sample=sample)

    if not head.startswith(b"@") or len(head.strip()) < 2:
        raise fail(f"header line does not start with '@': {head[:40]!r}")
    if not qual.endswith(b"\n") and not qual:
        raise fail("record is incomplete (file ends inside a record)")
    if not plus.startswith(b"+"):
        raise fail("third line does not start with '+' (record is malformed or truncated)")
    s, q = seq.rstrip(b"\r\n"), qual.rstrip(b"\r\n")
    if len(s) != len(q):
        raise fail(f"sequence length {len(s)} differs from quality length {len(q)}")
    if not set(s.decode("ascii", "replace")) <= SEQ_CHARS:
        raise fail("sequence contains characters other than ACGTN")
    if q and (min(q) < QUAL_MIN or max(q) > QUAL_MAX):
        raise fail("quality string has characters outside Phred+33 ('!'..'~')")


def _read_name(head: bytes) -> bytes:
    name = head[1:].split(maxsplit=1)[0]
    return name[:-2] if name.endswith((b"/1", b"/2")) else name


def check_fastq_pair(fq1: Path, fq2: Path | None, *, sample: str | None = None) -> dict[str, Any]:
    """Decode both mates completely and check them record by record (count and read names)."""
    if fq2 is None:
        return {"reads": sum(1 for _ in _records(fq1, sample))}
    reads = 0
    it1, it2 = _records(fq1, sample), _records(fq2, sample)
    while True:
        name1, name2 = next(it1, None), next(it2, None)
        if name1 is None and name2 is None:
            return {"reads": reads}
        if name1 is None or name2 is None:
            short = fq1 if name1 is None else fq2
            raise InputIntegrityError(
                f"mate files differ in length: this file ends after {reads} reads, its mate has more",
                path=short,
                sample=sample,
            )
        reads += 1
        if name1 != name2:
            raise InputIntegrityError(
                f"mates out of step at read {reads}: {name1.decode(errors='replace')!r} "
                f"vs {name2.decode(errors='replace')!r} in {fq2}",
                path=fq1,
                sample=sample,
            )


def _local_only_env(reference: Path | None) -> dict[str, str]:
    """htslib environment that can never fetch a CRAM reference from a remote registry."""
    env = dict(os.environ)
    cache = Path(tempfile.gettempdir()) / "clinwgs-no-remote-ref"
    env["REF_PATH"] = str(cache / "%2s" / "%2s" / "%s")
    env["REF_CACHE"] = str(cache / "%2s" / "%2s" / "%s")
    return env


def check_alignment_file(
    path: Path, *, reference: Path | None = None, sample: str | None = None, threads: int = 1
) -> dict[str, Any]:
    """Read every record of a BAM/CRAM (``samtools quickcheck`` misses a corrupt middle block)."""
    with path.open("rb") as handle:
        is_cram = handle.read(4) == b"CRAM"
    if is_cram and reference is None:
        raise ReferenceMismatchError(
            "CRAM input needs the bundle's reference FASTA to decode", path=path, sample=sample
        )
    cmd = ["samtools", "view", "-c", "-@", str(max(threads - 1, 0))]
    cmd += ["-T", str(reference)] if reference is not None else []
    done = subprocess.run(
        [*cmd, str(path)], capture_output=True, text=True, env=_local_only_env(reference), check=False
    )
    if done.returncode != 0 or "EOF marker is absent" in done.stderr or "truncated" in done.stderr:
        detail = " ".join(done.stderr.split())[:300]
        raise InputIntegrityError(
            f"alignment file is corrupt or truncated (full read failed: {detail})", path=path, sample=sample
        )
    return {"records": int(done.stdout.strip() or 0), "format": "CRAM" if is_cram else "BAM"}


def load_yaml_strict(path: Path) -> Any:
    """``yaml.safe_load`` that refuses duplicate keys (PyYAML silently keeps the last one)."""

    class StrictLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise ConfigError([f"line {line}: duplicate key {key!r}"], path=path)
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    try:
        return yaml.load(path.read_text(), Loader=StrictLoader)  # noqa: S506 (SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ConfigError([f"not valid YAML: {exc}"], path=path) from exc


def check_acmg_table(path: Path) -> None:
    """Every ``sf_list_version`` must be a dotted number (the loader compares them as version tuples)."""
    import csv
    import re

    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            version = (row.get("sf_list_version") or "").strip()
            if version and not re.fullmatch(r"\d+(\.\d+)*", version):
                raise InputIntegrityError(
                    f"row {number}: sf_list_version {version!r} is not a version number such as 3.2",
                    path=path,
                )


def check_panel_usable(panel: Any, path: Path) -> None:
    """A panel that yields no genes (or no version) must stop the run: an empty panel reports nothing."""
    if not getattr(panel, "genes", None):
        raise InputIntegrityError(f"panel {panel.name!r} has no usable (green) genes", path=path)
    if not str(getattr(panel, "version", "")).strip() or panel.version == "unknown":
        raise InputIntegrityError(f"panel {panel.name!r} has no version", path=path)
