"""The one command-line entry point: ``clinwgs <command>``.

Each command lives in the module that owns it; this file only dispatches, so importing the CLI stays
cheap and one stage's dependencies never slow another's start-up.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

from clinwgs.core.errors import ClinwgsError

# command -> ("module", "function", one-line help). The function takes argv (list[str]) and returns an int.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("clinwgs.cli.demo", "main", "prepare the demo bundle and run the whole workflow on it"),
    "init": ("clinwgs.cli.init", "main", "write a lab's own config folder (config.yaml, empty sheets)"),
    "run": ("clinwgs.cli.run", "main", "run the workflow (locally or --profile slurm; --config-dir LABDIR)"),
    "validate": ("clinwgs.cli.validate", "main", "validate config.yaml, samples.tsv and units.tsv"),
    "simulate": ("clinwgs.cli.simulate", "main", "write seeded simulated reads"),
    "interpret": ("clinwgs.cli.interpret", "main", "annotated VCF -> findings.json/tsv"),
    "report": ("clinwgs.cli.report", "main", "findings -> clinician report (HTML, PDF, JSON)"),
    "serve": ("clinwgs.cli.serve", "main", "run the patient record service (FastAPI)"),
    "publish": ("clinwgs.cli.publish", "main", "post a sample's report bundle to the record service"),
    "audit": ("clinwgs.cli.audit", "main", "verify results or the service audit chain"),
    "benchmark": ("clinwgs.cli.benchmark", "main", "compare a call set with a truth VCF"),
    "validate-pipeline": ("clinwgs.cli.validate_pipeline", "main", "run the validation pack"),
    "bundle": ("clinwgs.cli.bundle", "main", "check a lab's reference files and write a verified bundle"),
    "status": ("clinwgs.cli.status", "main", "turnaround per sample against the 7-10 day target"),
}


def _usage() -> str:
    width = max(len(c) for c in COMMANDS)
    lines = ["usage: clinwgs <command> [options]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {help_}" for name, (_, _, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_usage())
        return 0
    if args[0] == "--version":
        from clinwgs import __version__

        print(f"clinwgs {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"clinwgs: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, func_name, _ = COMMANDS[name]
    func: Callable[[list[str]], int] = getattr(importlib.import_module(module_name), func_name)
    try:
        return int(func(rest) or 0)
    except ClinwgsError as exc:
        print(f"clinwgs {name}: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
