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
import os
import socket
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from clinwgs import __version__
from clinwgs.errors import ClinwgsError, InputIntegrityError
from clinwgs.steps import read_steps
from clinwgs.toolversions import python_packages, query_tools

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = "1.0.0"
JsonDict = dict[str, Any]


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    benchmarks_dir: Path | None = None
    tools: list[str] | None = None
    extra: JsonDict = field(default_factory=dict)


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
        "databases": databases_section(reference, req.sample_dir / "interpret" / "findings.json"),
        "tools": query_tools(req.tools),
        "python_packages": python_packages(),
        "inputs": input_records,
        "outputs": output_records(req.sample_dir),
        "steps": read_steps(req.benchmarks_dir, req.sample) if req.benchmarks_dir else [],
        **req.extra,
    }


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON under a temporary name in the same directory, fsync, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


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


def _cmd_verify(args: Any) -> int:
    from clinwgs.verify import verify_manifest

    failed = 0
    for manifest in find_manifests(Path(args.results)):
        result = verify_manifest(
            manifest, expected_sha256=args.expect_sha256, check_unlisted=not args.ignore_unlisted
        )
        for line in result.problems:
            print(f"{manifest}: {line}")
        state = "OK" if result.ok else f"FAILED ({len(result.problems)} problem(s))"
        print(
            f"{manifest}: {state}: {result.checked} files checked; manifest sha256 {result.manifest_sha256}"
        )
        failed += not result.ok
    return 1 if failed else 0


def _cmd_verify_service(args: Any) -> int:
    from clinwgs.service.audit import verify_chain  # owned by the record service; imported lazily

    outcome = verify_chain(args.database_url)
    problems: list[str]
    if isinstance(outcome, bool):
        problems = [] if outcome else ["audit chain verification failed"]
    elif isinstance(outcome, list | tuple):
        problems = [str(p) for p in outcome]
    else:
        ok = bool(getattr(outcome, "ok", False))
        problems = [] if ok else [str(p) for p in getattr(outcome, "problems", ["audit chain broken"])]
    for line in problems:
        print(f"audit chain: {line}")
    print("audit chain: OK" if not problems else f"audit chain: FAILED ({len(problems)} problem(s))")
    return 1 if problems else 0


def _cmd_manifest(args: Any) -> int:
    config = yaml.safe_load(Path(args.configfile).read_text()) if args.configfile else {}
    req = ManifestRequest(
        sample=args.sample,
        sample_dir=Path(args.results) / args.sample,
        workdir=Path.cwd(),
        config=config or {},
        config_files=[Path(p) for p in args.config_file],
        input_paths=sample_inputs(Path(args.units), args.sample) if args.units else list(args.input),
        bundle_manifest=Path(args.bundle_manifest) if args.bundle_manifest else None,
        benchmarks_dir=Path(args.benchmarks) if args.benchmarks else None,
    )
    print(write_manifest(req, Path(args.out) if args.out else None))
    return 0


def _parser() -> Any:
    import argparse

    from clinwgs.checks_cli import add_check_commands

    parser = argparse.ArgumentParser(prog="clinwgs audit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="re-hash a results directory against its manifest(s)")
    verify.add_argument("results", help="results/<sample>, its manifest.json, or the results root")
    verify.add_argument("--expect-sha256", help="manifest hash cited by the report / FHIR Provenance")
    verify.add_argument(
        "--ignore-unlisted", action="store_true", help="do not flag files not in the manifest"
    )
    verify.set_defaults(func=_cmd_verify)
    service = sub.add_parser("verify-service", help="verify the record service's hash-chained audit log")
    service.add_argument("--database-url", required=True)
    service.set_defaults(func=_cmd_verify_service)
    manifest = sub.add_parser("manifest", help="write results/<sample>/manifest.json")
    manifest.add_argument("--sample", required=True)
    manifest.add_argument("--results", default="results")
    manifest.add_argument("--units", help="units.tsv (inputs of the sample are read from it)")
    manifest.add_argument("--input", action="append", default=[], help="input file (when no --units)")
    manifest.add_argument("--configfile", help="config.yaml whose content is hashed")
    manifest.add_argument("--config-file", action="append", default=[], help="config file to hash")
    manifest.add_argument("--bundle-manifest")
    manifest.add_argument("--benchmarks", default="benchmarks/out")
    manifest.add_argument("--out")
    manifest.set_defaults(func=_cmd_manifest)
    add_check_commands(sub)
    return parser


def cli_main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return int(args.func(args))
