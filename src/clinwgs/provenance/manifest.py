"""Per-sample provenance manifest (``results/<sample>/manifest.json``) and its verification.

The manifest records what was done to one sample: sha256 of every input and output, the reference bundle
and database versions, every tool's version as actually run, the config hash, the pipeline's own version and
git commit, and each step's start, end and host. ``clinwgs audit verify`` re-hashes every file it lists and
names any that changed. Paths of outputs are relative to the sample directory (so a results folder can be
archived and moved); inputs keep the path the config gave them, resolved against the recorded workdir.
"""

from __future__ import annotations

import csv
import hashlib
import json
import socket
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from clinwgs import __version__
from clinwgs.core import layout
from clinwgs.core.errors import ClinwgsError, InputIntegrityError
from clinwgs.core.io import sha256_file, write_json_atomic
from clinwgs.provenance.steps import read_steps
from clinwgs.provenance.toolversions import python_packages, query_tools

MANIFEST_NAME = layout.MANIFEST_NAME
MANIFEST_VERSION = "1.0.0"
JsonDict = dict[str, Any]


def file_record(path: Path, shown_as: str) -> JsonDict:
    return {"path": shown_as, "sha256": sha256_file(path), "bytes": path.stat().st_size}


def canonical_hash(data: Any) -> str:
    """sha256 of a JSON-serialisable value in canonical form (sorted keys, no whitespace)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def git_state(start: Path) -> JsonDict:
    """Commit and dirty flag of the checkout holding ``start`` ("unknown" outside a git checkout)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(start), *args], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": "unknown", "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def sample_inputs(units_tsv: Path, sample: str) -> list[str]:
    """Input file paths (fq1, fq2, bam) of one sample as units.tsv gives them."""
    paths: list[str] = []
    with units_tsv.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if (row.get("sample_id") or "").strip() != sample:
                continue
            paths += [row[c].strip() for c in ("fq1", "fq2", "bam") if (row.get(c) or "").strip()]
    if not paths:
        raise InputIntegrityError("no input files listed for this sample", path=units_tsv, sample=sample)
    return paths


def reference_section(bundle_manifest: Path) -> tuple[JsonDict, list[str]]:
    """Bundle name/build/file releases, plus the bundle files' paths (to hash as inputs)."""
    data = yaml.safe_load(bundle_manifest.read_text()) or {}
    files: Mapping[str, Any] = data.get("files") or {}
    described: JsonDict = {}
    paths: list[str] = [str(bundle_manifest)]
    for role, entry in files.items():
        entries = entry if isinstance(entry, list) else [entry]
        described[role] = [{k: v for k, v in e.items() if k != "sha256"} for e in entries]
        paths += [str(bundle_manifest.parent / e["path"]) for e in entries if e.get("path")]
    section = {
        "bundle": data.get("name"),
        "build": data.get("build"),
        "contig_naming": data.get("contig_naming"),
        "files": described,
    }
    return section, paths


def databases_section(reference: JsonDict, findings_json: Path | None) -> JsonDict:
    """ClinVar/population releases from the bundle, panel names/versions and databases from findings."""
    dbs: JsonDict = {}
    for role in ("clinvar", "gff3", "pop_af"):
        for entry in reference.get("files", {}).get(role, []):
            label = "gene_models" if role == "gff3" else str(entry.get("name") or role)
            dbs[label] = {"release": entry.get("release"), "source": entry.get("source")}
    if findings_json is not None and findings_json.is_file():
        findings = json.loads(findings_json.read_text())
        dbs["panels"] = [
            {"name": p.get("name"), "version": p.get("version"), "source": p.get("source")}
            for p in findings.get("panels", [])
        ]
        dbs["findings_databases"] = findings.get("databases", {})
    return dbs


def resolve_input(path: str, workdir: Path) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else workdir / candidate


# Written after the manifest (publish/) or deleted as temp() intermediates once consumed: never recorded.
NOT_RECORDED = ("publish/", "realign/", "trimmed/", "align/units/", "call/chunks/")


def is_recorded_output(rel: str) -> bool:
    """Whether a file (path relative to the sample directory) belongs in the manifest's outputs."""
    if rel == MANIFEST_NAME or rel.startswith(MANIFEST_NAME + ".") or rel.startswith(NOT_RECORDED):
        return False
    return not any(".tmp" in part or part.endswith("tmp") for part in rel.split("/"))


def output_records(sample_dir: Path) -> list[JsonDict]:
    """Every result file under the sample's directory (see ``is_recorded_output``), sorted."""
    records = []
    for path in sorted(p for p in sample_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(sample_dir).as_posix()
        if is_recorded_output(rel):
            records.append(file_record(path, rel))
    return records


@dataclass
class ManifestRequest:
    """What the provenance rule knows about one sample."""

    sample: str
    sample_dir: Path
    workdir: Path
    config: Mapping[str, Any]
    config_files: list[Path]
    input_paths: list[str]
    bundle_manifest: Path | None = None
    timings_dir: Path | None = None  # per-rule timing files (logs/timings): the steps section
    tools: list[str] | None = None
    scope: str = "final"  # "final": everything; "analysis": what the report cites (see rules/provenance.smk)
    outputs: list[Path] | None = None  # explicit output files; default: every result file of the sample
    extra: JsonDict = field(default_factory=dict)
    # the reference steps that served this sample: timings of "<bundle>.<key>" (the FASTA version in use),
    # less the rules this configuration does not run (another aligner's index); default: every key
    bundle_key: str | None = None
    unused_rules: frozenset[str] = frozenset()


def _output_section(req: ManifestRequest) -> list[JsonDict]:
    if req.outputs is None:
        return output_records(req.sample_dir)
    sample_dir = req.sample_dir.resolve()
    return [file_record(p, p.resolve().relative_to(sample_dir).as_posix()) for p in sorted(set(req.outputs))]


def _steps_section(req: ManifestRequest, bundle: str | None) -> list[JsonDict]:
    if req.timings_dir is None:
        return []
    steps = read_steps(req.timings_dir, req.sample)
    if bundle:
        prefix = f"{bundle}.{req.bundle_key}" if req.bundle_key else bundle
        steps = [{**s, "scope": "reference bundle"} for s in read_steps(req.timings_dir, prefix)] + steps
    return [s for s in steps if s["rule"] not in req.unused_rules]


def build_manifest(req: ManifestRequest) -> JsonDict:
    reference: JsonDict = {}
    inputs = list(req.input_paths)
    if req.bundle_manifest is not None:
        reference, bundle_files = reference_section(req.bundle_manifest)
        inputs += bundle_files
        reference["manifest_sha256"] = sha256_file(req.bundle_manifest)
    input_records = []
    for shown in dict.fromkeys(inputs):
        real = resolve_input(shown, req.workdir)
        if not real.is_file():
            raise InputIntegrityError(
                "input listed for provenance does not exist", path=real, sample=req.sample
            )
        input_records.append(file_record(real, shown))
    return {
        "manifest_version": MANIFEST_VERSION,
        "scope": req.scope,
        "sample_id": req.sample,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "created_on_host": socket.gethostname(),
        "workdir": str(req.workdir.resolve()),
        "pipeline": {"name": "clinwgs", "version": __version__, **git_state(Path(__file__).parent)},
        "config": {
            "sha256": canonical_hash(dict(req.config)),
            "files": [file_record(resolve_input(str(p), req.workdir), str(p)) for p in req.config_files],
        },
        "reference": reference,
        "databases": databases_section(reference, req.sample_dir.parent / layout.findings(req.sample, ".")),
        "tools": query_tools(req.tools),
        "python_packages": python_packages(),
        "inputs": input_records,
        "outputs": _output_section(req),
        "steps": _steps_section(req, reference.get("bundle")),
        **req.extra,
    }


def write_manifest(req: ManifestRequest, out: Path | None = None) -> str:
    """Build and write the manifest; returns its sha256 (what the report and FHIR Provenance cite)."""
    target = out or req.sample_dir / MANIFEST_NAME
    write_json_atomic(target, build_manifest(req))
    return sha256_file(target)


def load_manifest(path: Path) -> JsonDict:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InputIntegrityError("no provenance manifest here", path=path) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputIntegrityError(f"manifest is not valid JSON: {exc}", path=path) from exc
    if not isinstance(data, dict) or "outputs" not in data or "inputs" not in data:
        raise InputIntegrityError("not a clinwgs provenance manifest (no inputs/outputs)", path=path)
    return data


def find_manifests(results: Path) -> list[Path]:
    """``results`` may be one sample's directory, a manifest file, or the results root."""
    if results.is_file():
        return [results]
    if (results / MANIFEST_NAME).is_file():
        return [results / MANIFEST_NAME]
    found = sorted(results.glob(f"*/{MANIFEST_NAME}"))
    if not found:
        raise ClinwgsError("no manifest.json in this directory or its sample directories", path=results)
    return found
