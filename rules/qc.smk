# Alignment QC: samtools stats/flagstat, mosdepth (whole genome and over the analysable regions BED),
# and one MultiQC report over all samples. Read QC (fastp) runs per unit in rules/align.smk (trim_reads).


rule stats_alignment:
    input:
        unpack(sample_alignment),
        fasta=ref_fasta,
    output:
        stats="results/{sample}/qc/{sample}.stats.txt",
        flagstat="results/{sample}/qc/{sample}.flagstat.txt",
    params:
        env=no_remote_ref,
    log:
        "logs/stats_alignment/{sample}.log",
    benchmark:
        "benchmarks/out/stats_alignment/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=60,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "({params.env} samtools stats --reference {input.fasta} {input.aln} > {output.stats}"
        " && samtools flagstat {input.aln} > {output.flagstat}) 2> {log}"


rule depth_alignment:
    input:
        unpack(sample_alignment),
        fasta=ref_fasta,
        bed=analysable_bed,
    output:
        summary="results/{sample}/qc/{sample}.mosdepth.summary.txt",
        dist="results/{sample}/qc/{sample}.mosdepth.global.dist.txt",
        regions="results/{sample}/qc/{sample}.regions.bed.gz",
    params:
        prefix="results/{sample}/qc/{sample}",
        env=no_remote_ref,
    log:
        "logs/depth_alignment/{sample}.log",
    benchmark:
        "benchmarks/out/depth_alignment/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/mosdepth.yaml"
    shell:
        "({params.env} mosdepth -n -t {threads} --fasta {input.fasta} --by {input.bed} {params.prefix} {input.aln})"
        " 2> {log}"


rule report_multiqc:
    input:
        fastp_reports,
        expand("results/{sample}/qc/{sample}.stats.txt", sample=sorted(RUN.samples)),
        expand("results/{sample}/qc/{sample}.flagstat.txt", sample=sorted(RUN.samples)),
        expand("results/{sample}/qc/{sample}.mosdepth.summary.txt", sample=sorted(RUN.samples)),
    output:
        f"results/multiqc/{MULTIQC_NAME}.html",
    params:
        dirs=expand("results/{sample}/qc", sample=sorted(RUN.samples)),
        name=MULTIQC_NAME,
    log:
        f"logs/report_multiqc/{MULTIQC_NAME}.log",
    benchmark:
        f"benchmarks/out/report_multiqc/{MULTIQC_NAME}.tsv"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=30,
    conda:
        "../workflow/envs/multiqc.yaml"
    shell:
        "multiqc --force --no-data-dir -o results/multiqc -n {params.name}.html {params.dirs} 2> {log}"
