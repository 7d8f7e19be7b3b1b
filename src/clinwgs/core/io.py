"""File helpers every stage shares: a streamed digest, atomic JSON and indexed-VCF writes and strict YAML
loading.

One implementation each, so a fix (fsync before rename, duplicate YAML keys) lands everywhere at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from clinwgs.core.errors import ConfigError


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file's bytes, streamed (``hashlib.file_digest``: constant memory, any file size)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, algorithm).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, streamed."""
    return file_digest(path, "sha256")


GZIP_MAGIC = b"\x1f\x8b"
BGZF_MAGIC = b"\x1f\x8b\x08\x04"  # gzip with the FEXTRA flag; a BGZF block also carries the "BC" subfield


def compression(path: Path) -> str:
    """How a file is compressed, from its first bytes: 'bgzf', 'gzip' (plain, not indexable) or 'none'."""
    with path.open("rb") as handle:
        head = handle.read(14)
    if head[:4] == BGZF_MAGIC and head[12:14] == b"BC":
        return "bgzf"
    return "gzip" if head[:2] == GZIP_MAGIC else "none"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` under a unique temporary name in the same directory, fsync, then rename over ``path``:
    a reader (or a resumed run) sees the old file or the complete new one, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def indexed_vcf_atomic(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write a bgzipped VCF to. On success it is tabix-indexed and both
    files are renamed over ``path`` and ``path``.tbi; on any error both are removed and the error re-raised,
    so ``path`` is the old file or the complete new one, never a partial one."""
    import pysam

    tmp = path.with_name(path.name + ".tmp.vcf.gz")
    try:
        yield tmp
        pysam.tabix_index(str(tmp), preset="vcf", force=True)
        os.replace(f"{tmp}.tbi", f"{path}.tbi")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.tbi").unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """UTF-8 ``text`` written with ``write_bytes_atomic``."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, data: Any, *, sort_keys: bool = True) -> None:
    """JSON (indent 2, trailing newline) written with ``write_text_atomic``."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=sort_keys) + "\n")


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_strict(path: Path) -> Any:
    """Parse a YAML file, refusing duplicate keys. Raises ConfigError naming the file and line:
    ``line 4: duplicate key 'c'`` or ``not valid YAML: ...``; OSError when the file cannot be read."""
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConfigError([_yaml_problem(exc)], path=path) from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Line, column and the parser's problem, without the snippet of the file PyYAML would quote."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        where = f"line {exc.problem_mark.line + 1}"
        if exc.problem and exc.problem.startswith("duplicate key"):
            return f"{where}: {exc.problem}"
        return f"not valid YAML at {where}, column {exc.problem_mark.column + 1}: {exc.problem}"
    return "not valid YAML"
