"""Adapter: publish one sample's report to the record service; never fails the run when it is down."""

import sys

from clinwgs.publish.client import cli_main

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stdout = sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
p = sm.params
argv = ["--sample", sm.wildcards.sample, "--findings", sm.input.findings, "--pdf", sm.input.pdf,
        "--manifest", sm.input.manifest,
        "--receipt", sm.output.receipt, "--url", str(p.url), "--token-env", str(p.token_env),
        "--retries", str(p.retries), "--backoff", str(p.backoff_s), "--receipt-on-failure"]
sys.exit(cli_main(argv))
