"""`clinwgs publish`: post a sample's report Bundle to the record service (or amend it)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from clinwgs.publish.client import DEFAULT_URL, PublishInputs, publish_or_record


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinwgs publish", description=__doc__.split("\n\n")[0])
    p.add_argument("--sample", required=True, help="pseudonymous sample ID")
    p.add_argument("--results", default="results", help="results directory (default: results)")
    p.add_argument("--findings", help="default: <results>/<sample>/interpret/findings.json")
    p.add_argument("--pdf", help="default: <results>/<sample>/report/<sample>.report.pdf (if present)")
    p.add_argument(
        "--manifest",
        help="provenance manifest whose sha256 goes into the Provenance (default: "
        "<results>/<sample>/manifest.json when present, as the workflow rule passes it, so a later publish "
        "sends the identical Bundle)",
    )
    p.add_argument("--receipt", help="default: <results>/<sample>/publish/receipt.json")
    p.add_argument("--url", default=os.environ.get("CLINWGS_SERVICE_URL", DEFAULT_URL))
    p.add_argument("--token-env", default="CLINWGS_SERVICE_TOKEN", help="environment variable with the token")
    p.add_argument("--retries", type=int, default=5)
    p.add_argument("--backoff", type=float, default=0.5, help="first retry delay in seconds (doubles)")
    p.add_argument(
        "--amend",
        action="store_true",
        help="the record holds an earlier report of this sample (a re-analysis changed it): send this one as "
        "its next version (If-Match), which then needs a fresh sign-off",
    )
    p.add_argument(
        "--receipt-on-failure",
        action="store_true",
        help="service down: write a 'not published' receipt and exit 0 (workflow rule)",
    )
    return p


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    sample_dir = Path(args.results) / args.sample
    pdf_default = sample_dir / "report" / f"{args.sample}.report.pdf"
    inputs = PublishInputs(
        sample_id=args.sample,
        findings=Path(args.findings or sample_dir / "interpret" / "findings.json"),
        pdf=Path(args.pdf) if args.pdf else pdf_default,
        manifest=Path(args.manifest) if args.manifest else _existing(sample_dir / "manifest.json"),
        receipt=Path(args.receipt or sample_dir / "publish" / "receipt.json"),
    )
    receipt = publish_or_record(
        inputs,
        args.url,
        os.environ.get(args.token_env, ""),
        amend=args.amend,
        retries=args.retries,
        backoff_s=args.backoff,
        receipt_on_failure=args.receipt_on_failure,
        token_env=args.token_env,
    )
    if receipt.get("published") is False:
        print(f"clinwgs publish: NOT published: {receipt['error']}")
        return 0
    state = "created" if receipt["created"] else "already present (identical), nothing duplicated"
    if "amended_from_version" in receipt and receipt["created"]:
        state = f"amended (was v{receipt['amended_from_version']}; needs a fresh sign-off)"
    print(
        f"clinwgs publish: sample {args.sample}: report {receipt['report_id']} v{receipt['version']} {state}"
    )
    return 0
