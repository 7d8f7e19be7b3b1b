# Interpretation: panel BED (coding exons of the test's panel genes) -> mosdepth coverage over it ->
# `clinwgs interpret` (panels, ACMG criteria, tiers, coverage, sex check) -> findings.json + findings.tsv.
# Settings (panels, test codes, thresholds): the file named by `interpret: {panels: ...}` in config.yaml
# (default config/panels.yaml), validated with the run config (RUN.panel_settings, clinwgs.config.models).

INTERPRET_SETTINGS = str(RUN.interpret.panels)
COVERAGE_THRESHOLD_X = RUN.panel_settings.coverage_threshold_x


rule write_panel_bed:
    input:
        settings=INTERPRET_SETTINGS,
    output:
        bed=layout.panel_bed("{sample}"),
    params:
        test_code=lambda w: RUN.samples[w.sample].test_code,
        additional_findings=lambda w: bool(RUN.samples[w.sample].consent_additional_findings),
        gff3=lambda w: bundle_of(w.sample).files.gff3.path if bundle_of(w.sample).files.gff3 else None,
    log:
        layout.log("write_panel_bed", "{sample}"),
    benchmark:
        layout.timings("write_panel_bed", "{sample}")
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
        bed=layout.panel_bed("{sample}"),
    output:
        thresholds=layout.qc("{sample}", "panel.thresholds.bed.gz"),
        regions=layout.qc("{sample}", "panel.regions.bed.gz"),
        dist=layout.qc("{sample}", "panel.mosdepth.region.dist.txt"),
        quantized=layout.qc("{sample}", "panel.quantized.bed.gz"),
    params:
        prefix=layout.qc("{sample}", "panel"),
        threshold=COVERAGE_THRESHOLD_X,
        env=no_remote_ref,
    log:
        layout.log("depth_panel", "{sample}"),
    benchmark:
        layout.timings("depth_panel", "{sample}")
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
        unpack(sv_interpret_inputs),  # rules/sv.smk: SV VCF + alignment when sv.enabled
        unpack(family_interpret_inputs),  # rules/family.smk: pedigree, family QC, de novo VCF (a proband)
        vcf=layout.vcf("{sample}", "annotated"),
        thresholds=layout.qc("{sample}", "panel.thresholds.bed.gz"),
        regions=layout.qc("{sample}", "panel.regions.bed.gz"),
        quantized=layout.qc("{sample}", "panel.quantized.bed.gz"),
        summary=layout.qc("{sample}", "mosdepth.summary.txt"),
        settings=INTERPRET_SETTINGS,
        # sample identity (rules/identity.smk): its release blockers join findings.json's
        identity=layout.identity("{sample}"),
    output:
        json=layout.findings("{sample}"),
        tsv=layout.findings_tsv("{sample}"),
    params:
        sample=lambda w: RUN.samples[w.sample],
        bundle=lambda w: bundle_of(w.sample),
        manifest=lambda w: str(RUN.bundles[RUN.samples[w.sample].reference]),
        settings=RUN.panel_settings,
    log:
        layout.log("interpret_variants", "{sample}"),
    benchmark:
        layout.timings("interpret_variants", "{sample}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/interpret_sample.py"
