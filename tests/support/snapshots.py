"""Field-by-field snapshots of the JSON contracts between stages (findings.json, report JSON, FHIR Bundle).

A document is flattened to ``dotted.path -> value`` pairs; volatile values (times, UUIDs, digests of files
that carry times, tool versions of this machine, the PDF bytes) are masked by a rule that says why, so a
difference names the field that changed. ``CLINWGS_UPDATE_SNAPSHOTS=1`` rewrites the stored snapshot after
a deliberate change (review the diff in git).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MASK = "<masked>"
# (regex over the dotted path, regex over the value or None for any value, why)
VOLATILE: list[tuple[str, str | None, str]] = [
    (r".*", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?", "an instant"),
    (r".*", r"(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "a UUID"),
    (r".*(sha256|hash|digest|checksum)[^.]*$", None, "a digest of files that carry run times"),
    (r".*", r"[0-9a-f]{64}", "a sha256 (of the manifest, which holds run times)"),
    (r".*\.data$", None, "base64 PDF bytes (the PDF carries its creation time)"),
    (r".*presentedForm\[\d+\]\.size$", None, "the PDF's size (its embedded creation time varies)"),
    (r".*(tool_versions|versions)\..*", None, "tool versions of this machine"),
    (r".*(created|generated|date|time|_at)$", None, "a time"),
    (r".*\.valueString$", r".*sha256.*", "a digest"),
]


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        if not value:
            yield prefix, {}
        for key in sorted(value):
            yield from flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        if not value:
            yield prefix, []
        for i, item in enumerate(value):
            yield from flatten(item, f"{prefix}[{i}]")
    else:
        yield prefix, value


def masked(doc: Any) -> dict[str, Any]:
    """``dotted.path -> value`` with volatile values replaced by ``<masked>``."""
    out: dict[str, Any] = {}
    for path, value in flatten(doc):
        text = value if isinstance(value, str) else None
        for path_re, value_re, _why in VOLATILE:
            if re.fullmatch(path_re, path, flags=re.IGNORECASE) and (
                value_re is None or (text is not None and re.fullmatch(value_re, text))
            ):
                value = MASK
                break
        if isinstance(value, str):  # UUIDs inside references ("Observation/<uuid>")
            value = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", value)
        out[path] = value
    return out


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    lines = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            lines.append(f"missing   {path} (was {expected[path]!r})")
        elif path not in expected:
            lines.append(f"new       {path} = {actual[path]!r}")
        elif expected[path] != actual[path]:
            lines.append(f"changed   {path}: {expected[path]!r} -> {actual[path]!r}")
    return lines


def check_snapshot(doc: Any, stored: Path) -> list[str]:
    """Differences between ``doc`` and the stored snapshot (empty: equal). Rewrites it when asked to."""
    actual = masked(doc)
    update = os.environ.get("CLINWGS_UPDATE_SNAPSHOTS") == "1"
    if not update and not stored.exists():
        return [f"no snapshot at {stored}: write it with CLINWGS_UPDATE_SNAPSHOTS=1, then review it"]
    if update:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return []
    return differences(json.loads(stored.read_text(encoding="utf-8")), actual)
