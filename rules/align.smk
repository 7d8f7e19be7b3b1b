# Alignment: per unit (read group = sample.unit), duplicates marked with samblaster, sorted; units merged
# into one BAM/CRAM per sample. BAM/CRAM input is reused when its @SQ match the bundle, realigned otherwise.
# CRAM is written against the bundle FASTA with remote reference lookup off (REF_PATH/REF_CACHE local).


rule check_inputs:
    input:
        files=lambda w: [str(p) for u in RUN.units[w.sample] for _, p, _ in u.files()],
        verified=lambda w: f"{res_dir(w.sample)}/bundle.verified.json",
    output:
        "results/{sample}/qc/{sample}.input_check.json",
    params:
        units=lambda w: RUN.units[w.sample],
        fasta=lambda w: str(bundle_of(w.sample).files.fasta.path),
        fai=lambda w: f"{bundle_of(w.sample).files.fasta.path}.fai",
        require_match=RUN.on_reference_mismatch == "error",
    log:
        "logs/check_inputs/{sample}.log",
    benchmark:
        "benchmarks/out/check_inputs/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=60,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/check_inputs.py"


rule extract_reads:
    input:
        bam=lambda w: str(get_unit(w.sample, w.unit).bam),
        check="results/{sample}/qc/{sample}.input_check.json",
        fasta=ref_fasta,
    output:
        r1=temp("results/{sample}/realign/{unit}.R1.fastq.gz"),
        r2=temp("results/{sample}/realign/{unit}.R2.fastq.gz"),
    params:
        env=no_remote_ref,
        tmp="results/{sample}/realign/{unit}.collate",
    log:
        "logs/extract_reads/{sample}.{unit}.log",
    benchmark:
        "benchmarks/out/extract_reads/{sample}.{unit}.tsv"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "({params.env} samtools collate -O -u --reference {input.fasta} {input.bam} {params.tmp}"
        " | samtools fastq -n -0 /dev/null -s /dev/null -1 {output.r1} -2 {output.r2} -) 2> {log}"


rule trim_reads:
    input:
        unpack(unit_fastqs),
        check="results/{sample}/qc/{sample}.input_check.json",
    output:
        r1=temp("results/{sample}/trimmed/{unit}.R1.fastq.gz"),
        r2=temp("results/{sample}/trimmed/{unit}.R2.fastq.gz"),
        json="results/{sample}/qc/{sample}.{unit}.fastp.json",
        html="results/{sample}/qc/{sample}.{unit}.fastp.html",
    log:
        "logs/trim_reads/{sample}.{unit}.log",
    benchmark:
        "benchmarks/out/trim_reads/{sample}.{unit}.tsv"
    threads: RUN.threads.fastp
    resources:
        mem_mb=1024,
        runtime=60,
    conda:
        "../workflow/envs/fastp.yaml"
    shell:
        "fastp -w {threads} --detect_adapter_for_pe -i {input.r1} -I {input.r2} -o {output.r1} -O {output.r2}"
        " -j {output.json} -h {output.html} 2> {log}"


rule align_reads:
    input:
        r1="results/{sample}/trimmed/{unit}.R1.fastq.gz",
        r2="results/{sample}/trimmed/{unit}.R2.fastq.gz",
        fasta=ref_fasta,
        index=aligner_index,
    output:
        temp("results/{sample}/align/units/{unit}.aligned.bam"),
    params:
        align=aligner_command,
        tmp="results/{sample}/align/units/{unit}.sorttmp",
    log:
        "logs/align_reads/{sample}.{unit}.log",
    benchmark:
        "benchmarks/out/align_reads/{sample}.{unit}.tsv"
    threads: RUN.threads.align
    resources:
        mem_mb=4096,
        runtime=240,
    conda:
        "../workflow/envs/bwa.yaml"
    shell:
        "({params.align} | samblaster | samtools sort -T {params.tmp} -o {output} -) 2> {log}"


rule reuse_alignment:
    input:
        bam=lambda w: str(get_unit(w.sample, w.unit).bam),
        check="results/{sample}/qc/{sample}.input_check.json",
        fasta=ref_fasta,
    output:
        temp("results/{sample}/align/units/{unit}.reused.bam"),
    params:
        env=no_remote_ref,
        tmp="results/{sample}/align/units/{unit}.sorttmp",
        sm=lambda w: SET_RG_SAMPLE_AWK,
    log:
        "logs/reuse_alignment/{sample}.{unit}.log",
    benchmark:
        "benchmarks/out/reuse_alignment/{sample}.{unit}.tsv"
    threads: RUN.threads.sort
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "({params.env} samtools view -h --reference {input.fasta} {input.bam}"
        " | awk -v s={wildcards.sample} '{params.sm}'"
        " | samtools sort -T {params.tmp} -o {output} -) 2> {log}"


rule merge_alignments:
    input:
        units=unit_alignments,
        fasta=ref_fasta,
    output:
        aln=f"results/{{sample}}/align/{{sample}}.{ALN}",
        index=f"results/{{sample}}/align/{{sample}}.{ALN}.{ALN_INDEX}",
    params:
        env=no_remote_ref,
        fmt=ALN.upper(),
    log:
        "logs/merge_alignments/{sample}.log",
    benchmark:
        "benchmarks/out/merge_alignments/{sample}.tsv"
    threads: RUN.threads.sort
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "({params.env} samtools merge -f -@ {threads} -O {params.fmt} --reference {input.fasta}"
        " -o {output.aln} {input.units} && samtools index {output.aln} {output.index}) 2> {log}"
