"""Whole-unit and whole-run input checks: what the workflow's ``check_inputs`` rule (through
``workflow/scripts/check_inputs.py``) and ``clinwgs validate --deep`` run, built from the one implementation
of each file check (``clinwgs.inputs.fastq``, ``clinwgs.inputs.alignment``) that ``clinwgs audit check-*``
also calls, so the same bad file gives the same message on every path.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinwgs.core.errors import ClinwgsError, InputIntegrityError
from clinwgs.core.io import sha256_file, write_json_atomic
from clinwgs.inputs.alignment import check_alignment
from clinwgs.inputs.fastq import check_fastq_pair

if TYPE_CHECKING:
    from clinwgs.config.load import RunConfig, Unit


def check_sha256(path: Path, expected: str, *, sample: str | None = None, column: str | None = None) -> str:
    """Compare a file with its expected sha256 (``column``: the units.tsv column that gave it); returns it."""
    if not path.is_file():
        raise InputIntegrityError("file does not exist", path=path, sample=sample)
    actual, want = sha256_file(path), expected.strip().lower()
    if actual != want:
        where = f"units.tsv {column}_sha256" if column else "the expected sha256"
        raise InputIntegrityError(
            f"sha256 mismatch: {where} is {want[:16]}…, the file's is {actual[:16]}… "
            "(the file changed or was corrupted in transfer)",
            path=path,
            sample=sample,
        )
    return actual


def check_distinct_files(units: list[Unit]) -> None:
    """Each input file belongs to one unit: the same file (path, link or identical content) given for two
    units would double or mix reads. Content is compared (sha256) only for files of equal size."""
    seen: dict[tuple[int, int], tuple[Unit, str]] = {}
    by_size: dict[int, list[tuple[Path, Unit, str]]] = {}
    for unit in units:
        for column, path, _ in unit.files():
            if not path.is_file():
                continue
            stat = path.stat()
            first = seen.setdefault((stat.st_dev, stat.st_ino), (unit, column))
            if first[0] is not unit:  # R1 == R2 of one unit: check_fastq_pair says so
                raise _shared(path, unit, column, first, "the same file")
            by_size.setdefault(stat.st_size, []).append((path, unit, column))
    for group in (g for g in by_size.values() if len(g) > 1):
        digests: dict[str, tuple[Unit, str]] = {}
        for path, unit, column in group:
            first = digests.setdefault(sha256_file(path), (unit, column))
            if first[0] is not unit:
                raise _shared(path, unit, column, first, "a file with identical content (sha256)")


def _shared(path: Path, unit: Unit, column: str, first: tuple[Unit, str], what: str) -> InputIntegrityError:
    other, other_column = first
    return InputIntegrityError(
        f"units.tsv unit {unit.unit_id} column {column} gives {what} as sample {other.sample_id} unit "
        f"{other.unit_id} column {other_column}: each input file belongs to exactly one unit",
        path=path,
        sample=unit.sample_id,
    )


def check_unit(unit: Unit, fasta: Path, require_match: bool) -> dict[str, Any]:
    """Full integrity check of one unit; returns a small JSON-able record of what was checked."""
    for column, path, expected in unit.files():
        if not path.is_file():
            raise InputIntegrityError(
                f"units.tsv {column}: input file does not exist", path=path, sample=unit.sample_id
            )
        if expected:
            check_sha256(path, expected, sample=unit.sample_id, column=column)
    if unit.bam is not None:
        result = check_alignment(
            unit.bam, reference=fasta, sample=unit.sample_id, require_match=require_match
        )
        action = "reused" if result["matches_reference"] else "realigned"
        return {
            "unit": unit.unit_id,
            "kind": "alignment",
            "file": str(unit.bam),
            "records": result["records"],
            "action": action,
        }
    assert unit.fq1 is not None and unit.fq2 is not None
    pairs = check_fastq_pair(unit.fq1, unit.fq2, sample=unit.sample_id)["reads"]
    return {"unit": unit.unit_id, "kind": "fastq", "files": [str(unit.fq1), str(unit.fq2)], "pairs": pairs}


def write_input_check(units: list[Unit], fasta: Path, require_match: bool, out: Path) -> None:
    """What the ``check_inputs`` rule runs: check every unit of a sample, then write the JSON record
    atomically (nothing is written when a check fails)."""
    check_distinct_files(units)
    checked = [check_unit(u, fasta, require_match) for u in units]
    write_json_atomic(out, {"sample": units[0].sample_id, "units": checked}, sort_keys=False)


RULE_ERROR_PREFIX = "clinwgs check_inputs: error: "


def check_inputs_rule(units: list[Unit], fasta: Path, require_match: bool, out: Path, log: Path) -> int:
    """The ``check_inputs`` rule (``workflow/scripts/check_inputs.py``): ``write_input_check``, and on a bad
    input one line (prefix ``RULE_ERROR_PREFIX``, then sample, file and problem) in the log and on stderr, no
    traceback, no output file; returns the exit status for the job."""
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_input_check(units, fasta, require_match, out)
    except ClinwgsError as exc:
        line = RULE_ERROR_PREFIX + " ".join(str(exc).split())
        log.write_text(line + "\n", encoding="utf-8")
        print(line, file=sys.stderr)
        return exc.exit_code
    log.write_text(f"OK: {len(units)} unit(s) checked\n", encoding="utf-8")
    return 0


def check_run_inputs(run: RunConfig) -> list[str]:
    """`clinwgs validate --deep` and `clinwgs run` preflight: panels (``check_run_panels``), bundles (sha256
    and consistency, ``verify_bundle``) and every unit; one summary line per checked item."""
    from clinwgs.inputs.panels import check_run_panels
    from clinwgs.reference.bundles import load_manifest, verify_bundle

    lines = check_run_panels(run)
    bundles = {name: load_manifest(path) for name, path in run.bundles.items()}
    for name, bundle in bundles.items():
        lines.append(f"bundle {name}: {len(verify_bundle(bundle))} files match their sha256")
    check_distinct_files([u for units in run.units.values() for u in units])
    for sample_id, units in run.units.items():
        fasta = bundles[run.samples[sample_id].reference].files.fasta.path
        for unit in units:
            result = check_unit(unit, fasta, run.on_reference_mismatch == "error")
            lines.append(f"sample {sample_id} unit {unit.unit_id}: OK {json.dumps(result)}")
    return lines
