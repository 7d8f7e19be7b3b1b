"""`clinwgs bundle create`: check a lab's reference files and write a verified bundle (manifest + regions)."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinwgs.core.errors import ConfigError
from clinwgs.reference.create import BundleRequest, create_bundle


def _pair(text: str, what: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise ConfigError([f"{what} {text!r}: expected NAME=VALUE"])
    return name, value


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="clinwgs bundle", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="check the files and write DIR/manifest.yaml")
    create.add_argument("--fasta", type=Path, required=True, help="BGZF-compressed FASTA")
    create.add_argument("--build", required=True, choices=["GRCh37", "GRCh38"])
    create.add_argument("--out", type=Path, required=True, help="new bundle folder (must not exist)")
    create.add_argument("--name", help="bundle name (default: the --out folder's name)")
    create.add_argument("--gff3", type=Path, help="gene models on this FASTA (uncompressed GFF3)")
    create.add_argument("--clinvar", type=Path, help="ClinVar VCF (BGZF + .tbi) on this assembly")
    create.add_argument(
        "--af", action="append", default=[], metavar="NAME=VCF",
        help="population allele-frequency VCF (INFO/AF); repeat for each, e.g. GNOMAD=gnomad.vcf.gz",
    )  # fmt: skip
    create.add_argument(
        "--release", action="append", default=[], metavar="FILE=TEXT",
        help="release of a file for the report (fasta, gff3, clinvar or an --af NAME), e.g. clinvar=20240805",
    )  # fmt: skip
    return ap


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    request = BundleRequest(
        name=args.name or args.out.name,
        build=args.build,
        fasta=args.fasta,
        out=args.out,
        gff3=args.gff3,
        clinvar=args.clinvar,
        pop_af={name: Path(path) for name, path in (_pair(a, "--af") for a in args.af)},
        releases=dict(_pair(r, "--release") for r in args.release),
    )
    manifest = create_bundle(request)
    print(f"clinwgs bundle: {manifest} written and verified; use it in config.yaml bundles: {request.name}")
    return 0
