# Reference preparation: verify the bundle against its manifest, then build derived indexes under
# resources/<bundle>/<fasta sha256 prefix>/ (cached by checksum, never committed).


rule verify_bundle:
    input:
        manifest=lambda w: str(RUN.bundles[w.bundle]),
    output:
        layout.resource("{bundle}", "{key}", "bundle.verified.json"),
    log:
        layout.log("verify_bundle", "{bundle}.{key}"),
    benchmark:
        layout.timings("verify_bundle", "{bundle}.{key}")
    threads: 1
    resources:
        mem_mb=512,
        runtime=10,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/verify_bundle.py"


rule prepare_fasta:
    input:
        fasta=bundle_fasta,
        verified=layout.resource("{bundle}", "{key}", "bundle.verified.json"),
    output:
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
        fai=layout.resource("{bundle}", "{key}", "genome.fa.gz.fai"),
        gzi=layout.resource("{bundle}", "{key}", "genome.fa.gz.gzi"),
        dict=layout.resource("{bundle}", "{key}", "genome.dict"),
    log:
        layout.log("prepare_fasta", "{bundle}.{key}"),
    benchmark:
        layout.timings("prepare_fasta", "{bundle}.{key}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=20,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "(gzip -cdf {input.fasta} | bgzip -c > {output.fasta}"
        " && samtools faidx {output.fasta}"
        " && samtools dict -a {wildcards.bundle} {output.fasta} -o {output.dict}) 2> {log}"


rule index_bwa:
    input:
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
    output:
        multiext(layout.resource("{bundle}", "{key}", "genome.fa.gz"), ".amb", ".ann", ".bwt", ".pac", ".sa"),
    log:
        layout.log("index_bwa", "{bundle}.{key}"),
    benchmark:
        layout.timings("index_bwa", "{bundle}.{key}")
    threads: 1
    resources:
        mem_mb=2048,
        runtime=60,
    conda:
        "../workflow/envs/bwa.yaml"
    shell:
        "bwa index {input.fasta} 2> {log}"


rule index_minimap2:
    input:
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
    output:
        layout.resource("{bundle}", "{key}", "genome.sr.mmi"),
    log:
        layout.log("index_minimap2", "{bundle}.{key}"),
    benchmark:
        layout.timings("index_minimap2", "{bundle}.{key}")
    threads: 1
    resources:
        mem_mb=2048,
        runtime=20,
    conda:
        "../workflow/envs/minimap2.yaml"
    shell:
        "minimap2 -x sr -t {threads} -d {output} {input.fasta} 2> {log}"


rule decompress_fasta:
    input:
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
    output:
        fasta=layout.resource("{bundle}", "{key}", "genome.fa"),
        fai=layout.resource("{bundle}", "{key}", "genome.fa.fai"),
    log:
        layout.log("decompress_fasta", "{bundle}.{key}"),
    benchmark:
        layout.timings("decompress_fasta", "{bundle}.{key}")
    threads: 1
    resources:
        mem_mb=512,
        runtime=10,
    conda:
        "../workflow/envs/samtools.yaml"
    shell:
        "(gzip -cdf {input.fasta} > {output.fasta} && samtools faidx {output.fasta}) 2> {log}"


rule scatter_regions:
    input:
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
        fai=layout.resource("{bundle}", "{key}", "genome.fa.gz.fai"),
    output:
        regions=layout.resource("{bundle}", "{key}", "analysable.bed"),
        chunks=[layout.resource("{bundle}", "{key}", f"scatter/{chunk}.bed") for chunk in CHUNKS],
    params:
        regions=bundle_regions,
    log:
        layout.log("scatter_regions", "{bundle}.{key}"),
    benchmark:
        layout.timings("scatter_regions", "{bundle}.{key}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=10,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/scatter_regions.py"
