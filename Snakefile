# clinwgs: clinical WGS workflow. This file only declares and includes; logic lives in rules/*.smk and
# in the tested package src/clinwgs/. Run with `clinwgs run` (validates first) or `clinwgs demo`.
from snakemake.utils import min_version

min_version("9.0")


# The repository's config (relative to the working directory) only when the command line names none:
# Snakemake merges a `configfile:` into every --configfile, so a lab's config would silently take the
# repository's values for every key it leaves out (`clinwgs run --config-dir`, docs/operations.md).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/ref.smk"
include: "rules/qc.smk"
include: "rules/align.smk"
include: "rules/call.smk"
include: "rules/sv.smk"
include: "rules/identity.smk"
include: "rules/annotate.smk"
include: "rules/family.smk"
include: "rules/interpret.smk"
include: "rules/report.smk"
include: "rules/provenance.smk"
include: "rules/publish.smk"


rule all:
    input:
        final_outputs,
    default_target: True
