# Alignment: per unit (read group = sample.unit), duplicates marked with samblaster, sorted; units merged
# into one BAM/CRAM per sample. BAM/CRAM input is reused when its @SQ match the bundle, realigned otherwise;
# its @RG SM is never rewritten: check_inputs refuses a BAM/CRAM whose read groups name another sample.
# CRAM is written against the bundle FASTA with remote reference lookup off (REF_PATH/REF_CACHE local).


rule check_inputs:
    input:
        files=lambda w: [str(p) for u in RUN.units[w.sample] for _, p, _ in u.files()],
        verified=lambda w: f"{res_dir(w.sample)}/bundle.verified.json",
    output:
        layout.input_check("{sample}"),
    params:
        units=lambda w: RUN.units[w.sample],
        fasta=lambda w: str(bundle_of(w.sample).files.fasta.path),
        require_match=RUN.on_reference_mismatch == "error",
    log:
        layout.log("check_inputs", "{sample}"),
    benchmark:
        layout.timings("check_inputs", "{sample}")
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
        check=layout.input_check("{sample}"),
        fasta=ref_fasta,
    output:
        r1=temp(layout.extracted_reads("{sample}", "{unit}", 1)),
        r2=temp(layout.extracted_reads("{sample}", "{unit}", 2)),
    params:
        env=no_remote_ref,
        tmp=layout.collate_tmp("{sample}", "{unit}"),
    log:
        layout.log("extract_reads", "{sample}.{unit}"),
    benchmark:
        layout.timings("extract_reads", "{sample}.{unit}")
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
        check=layout.input_check("{sample}"),
    output:
        r1=temp(layout.trimmed_reads("{sample}", "{unit}", 1)),
        r2=temp(layout.trimmed_reads("{sample}", "{unit}", 2)),
        json=layout.fastp("{sample}", "{unit}", "json"),
        html=layout.fastp("{sample}", "{unit}", "html"),
    log:
        layout.log("trim_reads", "{sample}.{unit}"),
    benchmark:
        layout.timings("trim_reads", "{sample}.{unit}")
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
        r1=layout.trimmed_reads("{sample}", "{unit}", 1),
        r2=layout.trimmed_reads("{sample}", "{unit}", 2),
        fasta=ref_fasta,
        index=aligner_index,
    output:
        temp(layout.unit_alignment("{sample}", "{unit}", "aligned")),
    params:
        align=aligner_command,
        tmp=layout.unit_sort_tmp("{sample}", "{unit}"),
    log:
        layout.log("align_reads", "{sample}.{unit}"),
    benchmark:
        layout.timings("align_reads", "{sample}.{unit}")
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
        check=layout.input_check("{sample}"),
        fasta=ref_fasta,
    output:
        temp(layout.unit_alignment("{sample}", "{unit}", "reused")),
    params:
        env=no_remote_ref,
        tmp=layout.unit_sort_tmp("{sample}", "{unit}"),
    log:
        layout.log("reuse_alignment", "{sample}.{unit}"),
    benchmark:
        layout.timings("reuse_alignment", "{sample}.{unit}")
    threads: RUN.threads.sort
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "({params.env} samtools sort --reference {input.fasta} -T {params.tmp} -o {output} {input.bam}) 2> {log}"


rule merge_alignments:
    input:
        units=unit_alignments,
        fasta=ref_fasta,
    output:
        aln=layout.alignment("{sample}", ALN),
        index=layout.alignment_index("{sample}", ALN),
    params:
        env=no_remote_ref,
        fmt=ALN.upper(),
    log:
        layout.log("merge_alignments", "{sample}"),
    benchmark:
        layout.timings("merge_alignments", "{sample}")
    threads: RUN.threads.sort
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "({params.env} samtools merge -f -@ {threads} -O {params.fmt} --reference {input.fasta}"
        " -o {output.aln} {input.units} && samtools index {output.aln} {output.index}) 2> {log}"
