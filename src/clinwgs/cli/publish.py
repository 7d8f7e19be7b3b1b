"""`clinwgs publish`: post a sample's report Bundle to the record service (or amend it)."""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from clinwgs.config.load import load_config, validate_model
from clinwgs.config.models import PublishSection
from clinwgs.core import layout
from clinwgs.ops.init import CONFIG_NAME, lab_folder
from clinwgs.publish.client import DEFAULTS, PublishInputs, outcome, publish_with_settings, report_sources


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinwgs publish", description=__doc__.split("\n\n")[0])
    p.add_argument("--sample", required=True, help="pseudonymous sample ID")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--configfile",
        type=Path,
        help="the run's config.yaml: its `publish:` section (url, token_env, retries, backoff_s) is used; "
        "the options below override it",
    )
    where.add_argument(
        "--config-dir", type=Path, metavar="LABDIR",
        help="a lab folder from `clinwgs init`: its config.yaml's publish section, results in LABDIR/results",
    )  # fmt: skip
    p.add_argument("--results", default=layout.RESULTS, help="results directory (default: results)")
    p.add_argument("--findings", help="default: <results>/<sample>/interpret/findings.json")
    p.add_argument("--pdf", help="default: <results>/<sample>/report/<sample>.report.pdf (if present)")
    p.add_argument(
        "--manifest",
        help="provenance manifest whose sha256 goes into the Provenance (default: "
        "<results>/<sample>/manifest.json when present, as the workflow rule passes it, so a later publish "
        "sends the identical Bundle)",
    )
    p.add_argument("--receipt", help="default: <results>/<sample>/publish/receipt.json")
    p.add_argument("--url", help=f"service URL (default: config, $CLINWGS_SERVICE_URL, {DEFAULTS.url})")
    p.add_argument("--token-env", help=f"environment variable with the token (default {DEFAULTS.token_env})")
    p.add_argument("--retries", type=int, help=f"default {DEFAULTS.retries}")
    p.add_argument(
        "--backoff", type=float, help=f"first retry delay in seconds, doubling (default {DEFAULTS.backoff_s})"
    )
    p.add_argument(
        "--amend",
        action="store_true",
        help="the record holds an earlier report of this sample (a re-analysis changed it): send this one as "
        "its next version (If-Match), which then needs a fresh sign-off",
    )
    p.add_argument(
        "--receipt-on-failure",
        action="store_true",
        help="service down: write a 'not published' receipt and exit 0",
    )
    return p


def _settings(args: argparse.Namespace) -> PublishSection:
    """The config's publish section (or the defaults, with $CLINWGS_SERVICE_URL), overridden by options."""
    base = load_config(args.configfile).publish if args.configfile else DEFAULTS
    values = base.model_dump()
    if not args.configfile and os.environ.get("CLINWGS_SERVICE_URL"):
        values["url"] = os.environ["CLINWGS_SERVICE_URL"]
    given = {"url": args.url, "token_env": args.token_env, "retries": args.retries, "backoff_s": args.backoff}
    values.update({k: v for k, v in given.items() if v is not None})
    return validate_model(PublishSection, values, "clinwgs publish options")


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.config_dir is None:
        settings = _settings(args)
    else:
        labdir = lab_folder(args.config_dir)
        args.configfile = labdir / CONFIG_NAME
        if args.results == layout.RESULTS:
            args.results = str(labdir / layout.RESULTS)
        with contextlib.chdir(labdir):  # the sheets and bundles its config names are relative to LABDIR
            settings = _settings(args)
    sample, root = args.sample, args.results
    inputs = PublishInputs(
        sample_id=sample,
        findings=Path(args.findings or layout.findings(sample, root)),
        pdf=Path(args.pdf or layout.report(sample, "pdf", root)),
        manifest=Path(args.manifest) if args.manifest else _existing(Path(layout.manifest(sample, root))),
        receipt=Path(args.receipt or layout.receipt(sample, root)),
        **report_sources(sample, root),
    )
    receipt = publish_with_settings(
        inputs, settings, amend=args.amend, receipt_on_failure=args.receipt_on_failure
    )
    print(outcome(receipt))
    return 0
