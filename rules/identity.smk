# Sample identity (clinwgs.identity; thresholds and reasons: docs/validation.md). A genotype fingerprint at the
# bundle's SNP panel (manifest files.fingerprint) per unit and per sample, compared between the units of a
# sample, with an expected fingerprint from the config (identity.expected), and across the samples of this
# run (one file per run, named like its MultiQC report). results/<sample>/identity/<sample>.identity.json
# feeds findings.json (release blockers), the report's QC section and the provenance manifest.
from clinwgs.identity.settings import load_identity_settings

IDENTITY = load_identity_settings(config)
RUN_IDENTITY = f"results/identity/{MULTIQC_NAME}.run_identity.json"


def fingerprint_panel(sample):
    panel = bundle_of(sample).files.fingerprint
    return str(panel.path) if panel else None


def fingerprinted_samples():
    return [s for s in sorted(RUN.samples) if fingerprint_panel(s)]


def unit_alignment(wildcards):
    kind = "reused" if unit_is_reused(wildcards.sample, wildcards.unit) else "aligned"
    return f"results/{wildcards.sample}/align/units/{wildcards.unit}.{kind}.bam"


def identity_inputs(wildcards):
    s = wildcards.sample
    inputs = {
        "summary": f"results/{s}/qc/{s}.mosdepth.summary.txt",
        "fai": f"{bundle_of(s).files.fasta.path}.fai",
    }
    if fingerprint_panel(s):
        inputs["sample_fp"] = f"results/{s}/identity/{s}.fingerprint.json"
        inputs["unit_fps"] = [f"results/{s}/identity/units/{u.unit_id}.fingerprint.json" for u in RUN.units[s]]
        inputs["run"] = RUN_IDENTITY
        inputs["panel"] = fingerprint_panel(s)
        if s in IDENTITY.expected:
            inputs["expected"] = str(IDENTITY.expected[s].vcf)
    return inputs


rule fingerprint_unit:
    input:
        aln=unit_alignment,
        sites=lambda w: fingerprint_panel(w.sample),
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
        sites=lambda w: fingerprint_panel(w.sample),
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
        lambda w: [f"results/{s}/identity/{s}.fingerprint.json" for s in fingerprinted_samples()],
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
        unpack(identity_inputs),
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
