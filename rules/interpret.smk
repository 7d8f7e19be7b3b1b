# Interpretation: panel BED (coding exons of the test's panel genes) -> mosdepth coverage over it ->
# `clinwgs interpret` (panels, ACMG criteria, tiers, coverage, sex check) -> findings.json + findings.tsv.
# Settings (panels, test codes, thresholds): config/panels.yaml, or `interpret: {panels: ...}` in config.yaml.

from clinwgs.interpret.settings import load_settings

INTERPRET_SETTINGS = config.get("interpret", {}).get("panels", "config/panels.yaml")
COVERAGE_THRESHOLD_X = load_settings(Path(INTERPRET_SETTINGS)).coverage_threshold_x


rule write_panel_bed:
    input:
        settings=INTERPRET_SETTINGS,
    output:
        bed="results/{sample}/interpret/{sample}.panel.bed",
    params:
        test_code=lambda w: RUN.samples[w.sample].test_code,
        additional_findings=lambda w: bool(RUN.samples[w.sample].consent_additional_findings),
        gff3=lambda w: bundle_of(w.sample).files.gff3.path if bundle_of(w.sample).files.gff3 else None,
    log:
        "logs/write_panel_bed/{sample}.log",
    benchmark:
        "benchmarks/out/write_panel_bed/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=512,
        runtime=5,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/write_panel_bed.py"


rule depth_panel:
    input:
        unpack(sample_alignment),
        fasta=ref_fasta,
        bed="results/{sample}/interpret/{sample}.panel.bed",
    output:
        thresholds="results/{sample}/qc/{sample}.panel.thresholds.bed.gz",
        regions="results/{sample}/qc/{sample}.panel.regions.bed.gz",
        dist="results/{sample}/qc/{sample}.panel.mosdepth.region.dist.txt",
        quantized="results/{sample}/qc/{sample}.panel.quantized.bed.gz",
    params:
        prefix="results/{sample}/qc/{sample}.panel",
        threshold=COVERAGE_THRESHOLD_X,
        env=no_remote_ref,
    log:
        "logs/depth_panel/{sample}.log",
    benchmark:
        "benchmarks/out/depth_panel/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=30,
    conda:
        "../workflow/envs/mosdepth.yaml"
    shell:
        # an empty BED (no panel gene has a model in the bundle) gives empty outputs: every gene "not analysed"
        # --quantize 0:<x>: gives the runs of bases below the threshold (exact coverage gaps, merged)
        "(if [ -s {input.bed} ]; then {params.env} mosdepth -n -t {threads} --thresholds {params.threshold}"
        " --quantize 0:{params.threshold}: --fasta {input.fasta} --by {input.bed} {params.prefix} {input.aln};"
        " else printf '' | gzip > {output.thresholds}; printf '' | gzip > {output.regions};"
        " printf '' | gzip > {output.quantized}; : > {output.dist}; fi) 2> {log}"


rule interpret_variants:
    input:
        unpack(ref_files),
        vcf="results/{sample}/vcf/{sample}.annotated.vcf.gz",
        thresholds="results/{sample}/qc/{sample}.panel.thresholds.bed.gz",
        regions="results/{sample}/qc/{sample}.panel.regions.bed.gz",
        quantized="results/{sample}/qc/{sample}.panel.quantized.bed.gz",
        summary="results/{sample}/qc/{sample}.mosdepth.summary.txt",
        settings=INTERPRET_SETTINGS,
        # sample identity (rules/identity.smk): its release blockers join findings.json's
        identity="results/{sample}/identity/{sample}.identity.json",
    output:
        json="results/{sample}/interpret/findings.json",
        tsv="results/{sample}/interpret/findings.tsv",
    params:
        sample=lambda w: RUN.samples[w.sample],
        bundle=lambda w: bundle_of(w.sample),
        manifest=lambda w: str(RUN.bundles[RUN.samples[w.sample].reference]),
    log:
        "logs/interpret_variants/{sample}.log",
    benchmark:
        "benchmarks/out/interpret_variants/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/interpret_sample.py"
