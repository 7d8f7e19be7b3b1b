# Sample identity (clinwgs.identity; thresholds and reasons: docs/validation.md). A genotype fingerprint at the
# bundle's SNP panel (manifest files.fingerprint) per unit and per sample, compared between the units of a
# sample, with an expected fingerprint from the config (identity.expected), and across the samples of this
# run (one file per run, named like its MultiQC report). results/<sample>/identity/<sample>.identity.json
# feeds findings.json (release blockers), the report's QC section and the provenance manifest.
from clinwgs.identity.settings import load_identity_settings
from clinwgs.identity.targets import identity_inputs, panel_path, sample_fingerprints

IDENTITY = load_identity_settings(config)
RUN_IDENTITY = f"results/identity/{MULTIQC_NAME}.run_identity.json"


rule fingerprint_unit:
    input:
        aln=lambda w: (
            f"results/{w.sample}/align/units/{w.unit}."
            + ("reused" if unit_is_reused(w.sample, w.unit) else "aligned")
            + ".bam"
        ),
        sites=lambda w: panel_path(bundle_of(w.sample)),
    output:
        "results/{sample}/identity/units/{unit}.fingerprint.json",
    params:
        settings=IDENTITY,
    log:
        "logs/fingerprint_unit/{sample}.{unit}.log",
    benchmark:
        "benchmarks/out/fingerprint_unit/{sample}.{unit}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=60,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/identity.py"


rule fingerprint_sample:
    input:
        unpack(sample_alignment),
        sites=lambda w: panel_path(bundle_of(w.sample)),
        fasta=ref_fasta,
    output:
        "results/{sample}/identity/{sample}.fingerprint.json",
    params:
        settings=IDENTITY,
    log:
        "logs/fingerprint_sample/{sample}.log",
    benchmark:
        "benchmarks/out/fingerprint_sample/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=60,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/identity.py"


rule identity_run:
    input:
        lambda w: sample_fingerprints(RUN, BUNDLES),
    output:
        RUN_IDENTITY,
    params:
        settings=IDENTITY,
    log:
        f"logs/identity_run/{MULTIQC_NAME}.log",
    benchmark:
        f"benchmarks/out/identity_run/{MULTIQC_NAME}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/identity.py"


rule identity_sample:
    input:
        unpack(lambda w: identity_inputs(w.sample, RUN, bundle_of(w.sample), IDENTITY, RUN_IDENTITY)),
    output:
        "results/{sample}/identity/{sample}.identity.json",
    params:
        settings=IDENTITY,
        sex=lambda w: str(getattr(RUN.samples[w.sample].sex, "value", RUN.samples[w.sample].sex)),
        bundle=lambda w: bundle_of(w.sample).name,
        vcf_sample=lambda w: IDENTITY.expected[w.sample].vcf_sample if w.sample in IDENTITY.expected else None,
    log:
        "logs/identity_sample/{sample}.log",
    benchmark:
        "benchmarks/out/identity_sample/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/identity.py"
