# Variant calling scattered over chunks of the bundle's analysable (non-N) intervals, then gathered.
# bcftools mpileup | call -m (default) or FreeBayes (config caller: freebayes).


rule call_variants:
    input:
        unpack(caller_inputs),
    output:
        temp("results/{sample}/call/chunks/{chunk}.vcf.gz"),
    params:
        env=no_remote_ref,
        cmd=caller_command,
    log:
        "logs/call_variants/{sample}.{chunk}.log",
    benchmark:
        "benchmarks/out/call_variants/{sample}.{chunk}.tsv"
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
        expand("results/{{sample}}/call/chunks/{chunk}.vcf.gz", chunk=CHUNKS),
    output:
        vcf="results/{sample}/call/{sample}.raw.vcf.gz",
        tbi="results/{sample}/call/{sample}.raw.vcf.gz.tbi",
    log:
        "logs/gather_calls/{sample}.log",
    benchmark:
        "benchmarks/out/gather_calls/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools concat -Oz -o {output.vcf} {input} && tabix -p vcf {output.vcf}) 2> {log}"
