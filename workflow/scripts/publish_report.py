"""Adapter: publish one sample's report to the record service; never fails the run when it is down."""

import os
import sys
from pathlib import Path

from clinwgs.publish.client import PublishInputs, publish_or_record

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stdout = sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
p = sm.params
inputs = PublishInputs(
    sample_id=sm.wildcards.sample,
    findings=Path(sm.input.findings),
    pdf=Path(sm.input.pdf),
    manifest=Path(sm.input.manifest),
    receipt=Path(sm.output.receipt),
)
receipt = publish_or_record(
    inputs, p.url, os.environ.get(p.token_env, ""), retries=p.retries, backoff_s=p.backoff_s,
    receipt_on_failure=True, token_env=p.token_env,
)
print("published" if receipt.get("published") is not False else f"NOT published: {receipt['error']}")
