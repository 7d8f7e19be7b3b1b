"""Gene panel checks behind ``clinwgs audit check-panel``: the panel is loaded exactly as the interpreter
loads it, then refused when it would silently report nothing (no green genes) or cannot be cited (no version).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from clinwgs.core.errors import InputIntegrityError

PANEL_FORMATS = ("panelapp", "acmg", "lab", "scout")
VERSION_RE = re.compile(r"\d+(\.\d+)*")


def check_acmg_table(path: Path) -> None:
    """Every ``sf_list_version`` must be a dotted number (the loader compares them as version tuples)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            version = (row.get("sf_list_version") or "").strip()
            if version and not VERSION_RE.fullmatch(version):
                raise InputIntegrityError(
                    f"row {number}: sf_list_version is not a version number such as 3.2", path=path
                )


def check_panel_usable(panel: Any, path: Path) -> None:
    """A panel that yields no genes (or no version) must stop the run: an empty panel reports nothing."""
    if not getattr(panel, "genes", None):
        raise InputIntegrityError(f"panel {panel.name!r} has no usable (green) genes", path=path)
    if not str(getattr(panel, "version", "")).strip() or panel.version == "unknown":
        raise InputIntegrityError(f"panel {panel.name!r} has no version", path=path)


def check_panel(path: Path, fmt: str, *, name: str | None = None, version: str = "3.2") -> dict[str, Any]:
    """Load a panel file as the interpreter would and refuse an unusable one; returns name, version, genes."""
    from clinwgs.interpret import panels

    if not path.is_file():
        raise InputIntegrityError("panel file does not exist", path=path)
    if fmt == "acmg":
        check_acmg_table(path)
    if fmt == "panelapp":
        panel = panels.load_panelapp(path, name or "")
    elif fmt == "acmg":
        panel = panels.load_acmg_sf(path, version)
    elif fmt == "lab":
        panel = panels.load_lab_panel(path)
    elif fmt == "scout":
        panel = panels.load_scout_panel(path)
    else:
        raise InputIntegrityError(
            f"unknown panel format {fmt!r}; allowed: {', '.join(PANEL_FORMATS)}", path=path
        )
    check_panel_usable(panel, path)
    return {"name": panel.name, "version": panel.version, "genes": sorted(panel.genes)}
