# Clinician report: findings.json + QC -> HTML, PDF (WeasyPrint) and JSON under results/<sample>/report/.
# Templates, CSS and methods/limitations text: reports/ (or `report: {templates: ...}` in config.yaml).


rule render_report:
    input:
        findings="results/{sample}/interpret/findings.json",
        stats="results/{sample}/qc/{sample}.stats.txt",
        dist="results/{sample}/qc/{sample}.panel.mosdepth.region.dist.txt",
        # cited by the report when the provenance stage (rules/provenance.smk) is part of the workflow
        manifest=lambda w: (
            [f"results/{w.sample}/analysis_manifest.json"]
            if any(r.name == "write_analysis_manifest" for r in workflow.rules)
            else []
        ),
    output:
        html="results/{sample}/report/{sample}.report.html",
        pdf="results/{sample}/report/{sample}.report.pdf",
        json="results/{sample}/report/{sample}.report.json",
    params:
        templates=RUN.report.templates,
    log:
        "logs/render_report/{sample}.log",
    benchmark:
        "benchmarks/out/render_report/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=15,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/render_report.py"
