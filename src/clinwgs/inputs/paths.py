"""Where sheet paths may point: inside the run folder (the working directory the workflow runs in) or inside
a folder the lab lists in config.yaml ``input_roots``. Anything else (an absolute path elsewhere, a ``..``
escape, a symbolic link whose target lies outside) is refused before the file is opened, so a sheet cannot
make the workflow read, hash or copy an arbitrary file of the machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def allowed_roots(run_folder: Path, extra: Sequence[Path]) -> list[Path]:
    """The run folder and the listed roots (relative ones against the run folder), symlinks resolved."""
    return [run_folder.resolve(), *((run_folder / root).resolve() for root in extra)]


def describe_roots(roots: Sequence[Path]) -> str:
    """'the run folder /x' or 'the run folder /x and input_roots /a, /b' for one-line messages."""
    text = f"the run folder {roots[0]}"
    if len(roots) > 1:
        text += " and input_roots " + ", ".join(str(r) for r in roots[1:])
    return text


def outside_roots(path: Path, roots: Sequence[Path], run_folder: Path) -> str | None:
    """Why ``path`` (relative ones against ``run_folder``) lies outside every root, or None when inside.

    Only names are resolved (symbolic links followed); the file itself is never opened."""
    written = path if path.is_absolute() else run_folder / path
    real = written.resolve()
    if any(real.is_relative_to(root) for root in roots):
        return None
    lexical = Path(*_normalised(written.parts))
    if any(lexical.is_relative_to(root) for root in roots):
        how = "is a symbolic link (or passes through one) that leads outside"
    elif ".." in path.parts:
        how = "climbs out ('..') of"
    else:
        how = "is outside"
    return f"the path {how} the allowed input folders ({describe_roots(roots)})"


def _normalised(parts: Sequence[str]) -> list[str]:
    """Path parts with '.' and '..' folded lexically (no file system access)."""
    out: list[str] = []
    for part in parts:
        if part == "..":
            if len(out) > 1:
                out.pop()
        elif part != ".":
            out.append(part)
    return out
