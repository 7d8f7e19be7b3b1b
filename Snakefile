# clinwgs: clinical WGS workflow. This file only declares and includes; logic lives in rules/*.smk and
# in the tested package src/clinwgs/. Run with `clinwgs run` (validates first) or `clinwgs demo`.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/ref.smk"
include: "rules/qc.smk"
include: "rules/align.smk"
include: "rules/call.smk"
include: "rules/identity.smk"
include: "rules/annotate.smk"
include: "rules/interpret.smk"
include: "rules/report.smk"
include: "rules/provenance.smk"
include: "rules/publish.smk"


rule all:
    input:
        final_outputs,
    default_target: True
