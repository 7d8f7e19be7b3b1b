# Publish: the sample's report Bundle (FHIR R4, clinwgs.fhir) goes to the record service with retries and
# backoff. The last step and the only one that talks to the network: when the service is unreachable the
# analysis still completes and receipt.json says "published": false; `clinwgs publish --sample S` later
# creates exactly one report. It reads results (the provenance manifest included: its sha256 is carried by
# the FHIR Provenance) and writes only results/<sample>/publish/receipt.json.
# The token is read from the environment variable named by publish.token_env, never from the config.
# Needs RUN (rules/common.smk; only RUN.publish is read) and imports the layout itself, so that a test can
# include this file alone.
from clinwgs.core import layout


rule publish_report:
    input:
        findings=layout.findings("{sample}"),
        pdf=layout.report("{sample}", "pdf"),
        # its sha256 goes into the FHIR Provenance (entity), so the record points at the audit trail
        manifest=layout.manifest("{sample}"),
    output:
        receipt=layout.receipt("{sample}"),
    params:
        settings=RUN.publish,
    log:
        layout.log("publish_report", "{sample}"),
    benchmark:
        layout.timings("publish_report", "{sample}")
    threads: 1
    resources:
        mem_mb=512,
        runtime=10,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/publish_report.py"
