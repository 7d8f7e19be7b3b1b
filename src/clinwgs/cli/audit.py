"""clinwgs audit: verify results and the service audit chain, write manifests, run input checks.

``verify`` re-hashes results against their manifests, ``verify-service`` checks the record service's
hash-chained audit log, ``manifest`` writes one, and ``check-*`` run single input-integrity checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from clinwgs.core import layout
from clinwgs.provenance.manifest import ManifestRequest, find_manifests, sample_inputs, write_manifest


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
        timings_dir=Path(args.timings) if args.timings else None,
    )
    print(write_manifest(req, Path(args.out) if args.out else None))
    return 0


def _parser() -> Any:
    import argparse

    from clinwgs.cli.checks import add_check_commands

    parser = argparse.ArgumentParser(prog="clinwgs audit", description=(__doc__ or "").splitlines()[0])
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
    manifest.add_argument("--results", default=layout.RESULTS)
    manifest.add_argument("--units", help="units.tsv (inputs of the sample are read from it)")
    manifest.add_argument("--input", action="append", default=[], help="input file (when no --units)")
    manifest.add_argument("--configfile", help="config.yaml whose content is hashed")
    manifest.add_argument("--config-file", action="append", default=[], help="config file to hash")
    manifest.add_argument("--bundle-manifest")
    manifest.add_argument("--timings", default=layout.TIMINGS, help="per-rule timing files (the steps)")
    manifest.add_argument("--out")
    manifest.set_defaults(func=_cmd_manifest)
    add_check_commands(sub)
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return int(args.func(args))
