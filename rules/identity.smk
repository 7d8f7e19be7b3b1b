# Sample identity (clinwgs.identity; thresholds and reasons: docs/validation.md). A genotype fingerprint at the
# bundle's SNP panel (manifest files.fingerprint) per unit and per sample, compared between the units of a
# sample, with an expected fingerprint from the config (identity.expected), and across the samples of this
# run (one file per run, named like its MultiQC report). results/<sample>/identity/<sample>.identity.json
# feeds findings.json (release blockers), the report's QC section and the provenance manifest.
from clinwgs.identity.targets import identity_inputs, panel_path, sample_fingerprints

IDENTITY = RUN.identity
RUN_IDENTITY = layout.run_identity(MULTIQC_NAME)


rule fingerprint_unit:
    input:
        aln=lambda w: layout.unit_alignment(
            w.sample, w.unit, "reused" if unit_is_reused(w.sample, w.unit) else "aligned"
        ),
        sites=lambda w: panel_path(bundle_of(w.sample)),
    output:
        layout.unit_fingerprint("{sample}", "{unit}"),
    params:
        settings=IDENTITY,
    log:
        layout.log("fingerprint_unit", "{sample}.{unit}"),
    benchmark:
        layout.timings("fingerprint_unit", "{sample}.{unit}")
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
        layout.fingerprint("{sample}"),
    params:
        settings=IDENTITY,
    log:
        layout.log("fingerprint_sample", "{sample}"),
    benchmark:
        layout.timings("fingerprint_sample", "{sample}")
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
        layout.log("identity_run", MULTIQC_NAME),
    benchmark:
        layout.timings("identity_run", MULTIQC_NAME)
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
        layout.identity("{sample}"),
    params:
        settings=IDENTITY,
        sex=lambda w: str(getattr(RUN.samples[w.sample].sex, "value", RUN.samples[w.sample].sex)),
        bundle=lambda w: bundle_of(w.sample).name,
        vcf_sample=lambda w: IDENTITY.expected[w.sample].vcf_sample if w.sample in IDENTITY.expected else None,
    log:
        layout.log("identity_sample", "{sample}"),
    benchmark:
        layout.timings("identity_sample", "{sample}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/identity.py"
