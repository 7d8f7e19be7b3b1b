"""``clinwgs audit check-*``: run one input-integrity check from the command line.

Each command exits 0 and (with ``--summary-out``) writes a JSON summary only when the input is sound; on a
bad input it raises the specific ClinwgsError (exit 2) and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _opt(path: str | None) -> Path | None:
    return Path(path) if path else None


def _vcf(args: Any) -> Any:
    from clinwgs.inputs.vcf import check_vcf

    return check_vcf(Path(args.vcf), sample=args.sample)


def _fastq(args: Any) -> Any:
    from clinwgs.inputs.integrity import check_fastq_pair

    return check_fastq_pair(Path(args.fq1), _opt(args.fq2), sample=args.sample)


def _alignment(args: Any) -> Any:
    from clinwgs.inputs.fasta import check_alignment_reference
    from clinwgs.inputs.integrity import check_alignment_file

    ref = _opt(args.reference)
    if ref is not None:
        check_alignment_reference(Path(args.path), ref, sample=args.sample)
    return check_alignment_file(Path(args.path), reference=ref, sample=args.sample)


def _fai(args: Any) -> Any:
    from clinwgs.inputs.fasta import check_fai

    return [e._asdict() for e in check_fai(Path(args.fasta), _opt(args.fai))]


def _yaml(args: Any) -> Any:
    from clinwgs.inputs.integrity import load_yaml_strict

    return {"keys": sorted(str(k) for k in (load_yaml_strict(Path(args.path)) or {}))}


def _sha256(args: Any) -> Any:
    from clinwgs.inputs.integrity import verify_sha256

    verify_sha256(Path(args.path), args.sha256, sample=args.sample)
    return {"sha256": args.sha256}


def _panel(args: Any) -> Any:
    from clinwgs.inputs.integrity import check_acmg_table, check_panel_usable
    from clinwgs.interpret import panels

    path = Path(args.path)
    if args.format == "acmg":
        check_acmg_table(path)
    loaders = {
        "panelapp": lambda: panels.load_panelapp(path, args.name),
        "acmg": lambda: panels.load_acmg_sf(path, args.version),
        "lab": lambda: panels.load_lab_panel(path),
        "scout": lambda: panels.load_scout_panel(path),
    }
    panel = loaders[args.format]()
    check_panel_usable(panel, path)
    return {"name": panel.name, "version": panel.version, "genes": sorted(panel.genes)}


def _run(check: Any) -> Any:
    def run(args: Any) -> int:
        from clinwgs.provenance.manifest import write_json_atomic

        summary = check(args)
        if args.summary_out:
            write_json_atomic(Path(args.summary_out), summary)
        print("OK")
        return 0

    return run


def add_check_commands(sub: Any) -> None:
    """Register the check-* subcommands on an argparse subparsers object."""

    def add(name: str, check: Any, help_: str, *positional: str) -> Any:
        parser = sub.add_parser(name, help=help_)
        for arg in positional:
            parser.add_argument(arg)
        parser.add_argument("--sample", help="pseudonymous sample ID (named in errors)")
        parser.add_argument("--summary-out", help="write a JSON summary here when the input is sound")
        parser.set_defaults(func=_run(check))
        return parser

    add("check-vcf", _vcf, "strict VCF check in a separate process", "vcf")
    add(
        "check-fastq", _fastq, "decode a FASTQ (pair) fully, check mates record by record", "fq1"
    ).add_argument("fq2", nargs="?")
    add(
        "check-alignment", _alignment, "read a BAM/CRAM completely; check @SQ against a reference", "path"
    ).add_argument("--reference", help="bundle FASTA (required for CRAM)")
    add("check-fai", _fai, "compare a FASTA's .fai with the FASTA", "fasta").add_argument("--fai")
    add("check-yaml", _yaml, "load YAML refusing duplicate keys", "path")
    panel = add(
        "check-panel", _panel, "load a gene panel as the interpreter would; refuse an empty one", "path"
    )
    panel.add_argument("--format", required=True, choices=["panelapp", "acmg", "lab", "scout"])
    panel.add_argument("--name", help="panel name (PanelApp export)")
    panel.add_argument("--version", default="3.2", help="ACMG SF version")
    add("check-sha256", _sha256, "compare a file with its expected sha256", "path", "sha256")
