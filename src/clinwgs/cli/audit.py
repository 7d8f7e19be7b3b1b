"""clinwgs audit: verify results and the service audit chain, write manifests, run input checks.

``verify`` re-hashes results against their manifests, ``verify-service`` checks the record service's
hash-chained audit log, ``manifest`` writes one, and ``check-*`` run single input-integrity checks: each calls
the same function the workflow's ``check_inputs`` rule calls (``clinwgs.inputs.*``), exits 0 and (with
``--summary-out``) writes a JSON summary only when the input is sound; on a bad input it raises the specific
ClinwgsError (exit 2) and writes nothing.

All argument parsing of ``clinwgs audit`` lives here; the dispatcher (``clinwgs.cli``) calls ``main``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clinwgs.core import layout
from clinwgs.core.io import load_yaml_strict, write_json_atomic
from clinwgs.provenance.manifest import ManifestRequest, find_manifests, sample_inputs, write_manifest

MAX_PROBLEMS_SHOWN = 50  # verify-service prints at most this many problem lines

def _cmd_verify(args: Any) -> int:
    from clinwgs.provenance.verify import verify_manifest

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
    from clinwgs.service.audit import first_bad_event, verify_service  # the service's; imported lazily

    checkpoints = Path(args.checkpoint_file) if args.checkpoint_file else None
    data_dir = Path(args.data_dir) if args.data_dir else None
    problems, count = verify_service(args.database_url, checkpoint_file=checkpoints, data_dir=data_dir)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"audit chain: {problem}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"audit chain: ... and {len(problems) - MAX_PROBLEMS_SHOWN} more problem(s)")
    first = first_bad_event(problems)
    if first is not None:
        print(f"audit chain: first bad event: {first}")
    state = "INTACT" if not problems else f"FAILED ({len(problems)} problem(s))"
    print(f"audit chain: {count} events, {state}")
    return 0 if not problems else 1


def _cmd_manifest(args: Any) -> int:
    config = load_yaml_strict(Path(args.configfile)) if args.configfile else {}
    req = ManifestRequest(
        sample=args.sample,
        sample_dir=Path(args.results) / args.sample,
        workdir=Path.cwd(),
        config=config or {},
        config_files=[Path(p) for p in args.config_file],
        input_paths=sample_inputs(Path(args.units), args.sample) if args.units else list(args.input),
        bundle_manifest=Path(args.bundle_manifest) if args.bundle_manifest else None,
        timings_dir=Path(args.timings) if args.timings else None,
    )
    print(write_manifest(req, Path(args.out) if args.out else None))
    return 0


def _opt(path: str | None) -> Path | None:
    return Path(path) if path else None


def _check_vcf(args: Any) -> Any:
    from clinwgs.inputs.vcf import check_vcf, check_vcf_reference

    summary = check_vcf(Path(args.vcf), sample=args.sample)
    fasta, build = _opt(args.reference), None
    if args.bundle:
        from clinwgs.reference.bundles import load_manifest

        bundle = load_manifest(Path(args.bundle))
        fasta, build = bundle.files.fasta.path, bundle.build
    if fasta is not None:
        summary.update(check_vcf_reference(Path(args.vcf), fasta, build=build, sample=args.sample))
    return summary


def _check_fastq(args: Any) -> Any:
    from clinwgs.inputs.fastq import check_fastq_pair

    return check_fastq_pair(Path(args.fq1), _opt(args.fq2), sample=args.sample)


def _check_alignment(args: Any) -> Any:
    from clinwgs.inputs.alignment import check_alignment

    ref = _opt(args.reference)
    return check_alignment(Path(args.path), reference=ref, sample=args.sample, require_match=ref is not None)


def _check_fai(args: Any) -> Any:
    from clinwgs.inputs.fasta import check_fai

    return [e._asdict() for e in check_fai(Path(args.fasta), _opt(args.fai))]


def _check_yaml(args: Any) -> Any:
    return {"keys": sorted(str(k) for k in (load_yaml_strict(Path(args.path)) or {}))}


def _check_sha256(args: Any) -> Any:
    from clinwgs.inputs.run import check_sha256

    return {"sha256": check_sha256(Path(args.path), args.sha256, sample=args.sample)}


def _check_panel(args: Any) -> Any:
    from clinwgs.inputs.panels import check_panel

    genes = _opt(args.hgnc_genes)
    return check_panel(Path(args.path), args.format, name=args.name, version=args.version, hgnc_genes=genes)


def _run_check(check: Callable[[Any], Any]) -> Callable[[Any], int]:
    def run(args: Any) -> int:
        summary = check(args)
        if args.summary_out:
            write_json_atomic(Path(args.summary_out), summary)
        print("OK")
        return 0

    return run


def _add_check_commands(sub: Any) -> None:
    def add(name: str, check: Callable[[Any], Any], help_: str, *positional: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=help_)
        for arg in positional:
            parser.add_argument(arg)
        parser.add_argument("--sample", help="pseudonymous sample ID (named in errors)")
        parser.add_argument("--summary-out", help="write a JSON summary here when the input is sound")
        parser.set_defaults(func=_run_check(check))
        return parser

    vcf = add("check-vcf", _check_vcf, "strict VCF check in a separate process", "vcf")
    against = vcf.add_mutually_exclusive_group()
    against.add_argument(
        "--reference", help="FASTA (indexed): BGZF required, contigs and REF alleles must match it"
    )
    against.add_argument(
        "--bundle", help="reference bundle manifest.yaml: as --reference with its FASTA, and its build"
    )
    add(
        "check-fastq", _check_fastq, "decode a FASTQ (pair) fully, check mates record by record", "fq1"
    ).add_argument("fq2", nargs="?")
    add(
        "check-alignment",
        _check_alignment,
        "read a BAM/CRAM completely; check @SQ against a reference",
        "path",
    ).add_argument("--reference", help="bundle FASTA (required for CRAM; a different reference is an error)")
    add("check-fai", _check_fai, "compare a FASTA's .fai with the FASTA", "fasta").add_argument("--fai")
    add("check-yaml", _check_yaml, "load YAML refusing duplicate keys", "path")
    panel = add(
        "check-panel", _check_panel, "load a gene panel as the interpreter would; refuse an empty one", "path"
    )
    panel.add_argument("--format", required=True, choices=["panelapp", "acmg", "lab", "scout"])
    panel.add_argument("--name", help="panel name (PanelApp export)")
    panel.add_argument("--version", default="3.2", help="ACMG SF version")
    panel.add_argument(
        "--hgnc-genes", help="HGNC gene set (reference/genes/hgnc_genes.tsv): every gene must resolve in it"
    )
    add("check-sha256", _check_sha256, "compare a file with its expected sha256", "path", "sha256")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="clinwgs audit", description=(__doc__ or "").splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="re-hash a results directory against its manifest(s)")
    verify.add_argument("results", help="results/<sample>, its manifest.json, or the results root")
    verify.add_argument("--expect-sha256", help="manifest hash cited by the report / FHIR Provenance")
    verify.add_argument(
        "--ignore-unlisted", action="store_true", help="do not flag files not in the manifest"
    )
    verify.set_defaults(func=_cmd_verify)
    service = sub.add_parser("verify-service", help="verify the record service's hash-chained audit log")
    service.add_argument("--database-url", required=True)
    service.add_argument(
        "--checkpoint-file",
        help="the service's signed checkpoints (default: CLINWGS_AUDIT_CHECKPOINT_FILE, else "
        "<CLINWGS_DATA_DIR>/audit-checkpoints.jsonl); the key is read from CLINWGS_AUDIT_KEY",
    )
    service.add_argument("--data-dir", help="the service's data directory (dev: holds audit.key)")
    service.set_defaults(func=_cmd_verify_service)
    manifest = sub.add_parser("manifest", help="write results/<sample>/manifest.json")
    manifest.add_argument("--sample", required=True)
    manifest.add_argument("--results", default=layout.RESULTS)
    manifest.add_argument("--units", help="units.tsv (inputs of the sample are read from it)")
    manifest.add_argument("--input", action="append", default=[], help="input file (when no --units)")
    manifest.add_argument("--configfile", help="config.yaml whose content is hashed")
    manifest.add_argument("--config-file", action="append", default=[], help="config file to hash")
    manifest.add_argument("--bundle-manifest")
    manifest.add_argument("--timings", default=layout.TIMINGS, help="per-rule timing files (the steps)")
    manifest.add_argument("--out")
    manifest.set_defaults(func=_cmd_manifest)
    _add_check_commands(sub)
    return ap


def main(argv: list[str]) -> int:
    """``clinwgs audit ...``; a bad input raises its ClinwgsError (the dispatcher prints it, exit 2)."""
    args = parser().parse_args(argv)
    return int(args.func(args))
