# Variant calling scattered over chunks of the bundle's analysable (non-N) intervals, then gathered.
# bcftools mpileup | call -m (default) or FreeBayes (config caller: freebayes).


rule call_variants:
    input:
        unpack(caller_inputs),
    output:
        temp(layout.call_chunk("{sample}", "{chunk}")),
    params:
        env=no_remote_ref,
        cmd=caller_command,
    log:
        layout.log("call_variants", "{sample}.{chunk}"),
    benchmark:
        layout.timings("call_variants", "{sample}.{chunk}")
    threads: 1
    resources:
        mem_mb=2048,
        runtime=240,
    conda:
        "../workflow/envs/bcftools.yaml" if RUN.caller == "bcftools" else "../workflow/envs/freebayes.yaml"
    shell:
        "({params.env} {params.cmd}) 2> {log}"


rule gather_calls:
    input:
        [layout.call_chunk("{sample}", chunk) for chunk in CHUNKS],
    output:
        vcf=layout.raw_calls("{sample}"),
        tbi=layout.raw_calls("{sample}") + ".tbi",
    log:
        layout.log("gather_calls", "{sample}"),
    benchmark:
        layout.timings("gather_calls", "{sample}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools concat -Oz -o {output.vcf} {input} && tabix -p vcf {output.vcf}) 2> {log}"
