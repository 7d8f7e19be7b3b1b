# Alignment QC: samtools stats/flagstat, mosdepth (whole genome and over the analysable regions BED),
# and one MultiQC report over all samples. Read QC (fastp) runs per unit in rules/align.smk (trim_reads).


rule stats_alignment:
    input:
        unpack(sample_alignment),
        fasta=ref_fasta,
    output:
        stats=layout.qc("{sample}", "stats.txt"),
        flagstat=layout.qc("{sample}", "flagstat.txt"),
    params:
        env=no_remote_ref,
    log:
        layout.log("stats_alignment", "{sample}"),
    benchmark:
        layout.timings("stats_alignment", "{sample}")
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
        summary=layout.qc("{sample}", "mosdepth.summary.txt"),
        dist=layout.qc("{sample}", "mosdepth.global.dist.txt"),
        regions=layout.qc("{sample}", "regions.bed.gz"),
    params:
        prefix=layout.qc_prefix("{sample}"),
        env=no_remote_ref,
    log:
        layout.log("depth_alignment", "{sample}"),
    benchmark:
        layout.timings("depth_alignment", "{sample}")
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
        expand(layout.qc("{sample}", "stats.txt"), sample=sorted(RUN.samples)),
        expand(layout.qc("{sample}", "flagstat.txt"), sample=sorted(RUN.samples)),
        expand(layout.qc("{sample}", "mosdepth.summary.txt"), sample=sorted(RUN.samples)),
    output:
        layout.multiqc_report(MULTIQC_NAME),
    params:
        dirs=[layout.qc_dir(s) for s in sorted(RUN.samples)],
        name=MULTIQC_NAME,
        outdir=lambda w, output: str(Path(output[0]).parent),
    log:
        layout.log("report_multiqc", MULTIQC_NAME),
    benchmark:
        layout.timings("report_multiqc", MULTIQC_NAME)
    threads: 1
    resources:
        mem_mb=2048,
        runtime=30,
    conda:
        "../workflow/envs/multiqc.yaml"
    shell:
        "multiqc --force --no-data-dir -o {params.outdir} -n {params.name}.html {params.dirs} 2> {log}"
