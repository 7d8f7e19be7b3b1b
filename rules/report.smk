# Clinician report: findings.json + QC -> HTML, PDF (WeasyPrint) and JSON under results/<sample>/report/.
# Templates, CSS and methods/limitations text: reports/ (or `report: {templates: ...}` in config.yaml).


rule render_report:
    input:
        findings=layout.findings("{sample}"),
        stats=layout.qc("{sample}", "stats.txt"),
        dist=layout.qc("{sample}", "panel.mosdepth.region.dist.txt"),
        # cited by the report when the provenance stage (rules/provenance.smk) is part of the workflow
        manifest=lambda w: (
            [layout.analysis_manifest(w.sample)]
            if any(r.name == "write_analysis_manifest" for r in workflow.rules)
            else []
        ),
        # sample identity (rules/identity.smk), shown in the QC section
        identity=layout.identity("{sample}"),
    output:
        html=layout.report("{sample}", "html"),
        pdf=layout.report("{sample}", "pdf"),
        json=layout.report("{sample}", "json"),
    params:
        templates=RUN.report.templates,
    log:
        layout.log("render_report", "{sample}"),
    benchmark:
        layout.timings("render_report", "{sample}")
    threads: 1
    resources:
        mem_mb=2048,
        runtime=15,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/render_report.py"
