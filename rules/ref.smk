# Reference preparation: verify the bundle against its manifest, then build derived indexes under
# resources/<bundle>/<fasta sha256 prefix>/ (cached by checksum, never committed).


rule verify_bundle:
    input:
        manifest=lambda w: str(RUN.bundles[w.bundle]),
    output:
        "resources/{bundle}/{key}/bundle.verified.json",
    log:
        "logs/verify_bundle/{bundle}.{key}.log",
    benchmark:
        "benchmarks/out/verify_bundle/{bundle}.{key}.tsv"
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
        verified="resources/{bundle}/{key}/bundle.verified.json",
    output:
        fasta="resources/{bundle}/{key}/genome.fa.gz",
        fai="resources/{bundle}/{key}/genome.fa.gz.fai",
        gzi="resources/{bundle}/{key}/genome.fa.gz.gzi",
        dict="resources/{bundle}/{key}/genome.dict",
    log:
        "logs/prepare_fasta/{bundle}.{key}.log",
    benchmark:
        "benchmarks/out/prepare_fasta/{bundle}.{key}.tsv"
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
        fasta="resources/{bundle}/{key}/genome.fa.gz",
    output:
        multiext("resources/{bundle}/{key}/genome.fa.gz", ".amb", ".ann", ".bwt", ".pac", ".sa"),
    log:
        "logs/index_bwa/{bundle}.{key}.log",
    benchmark:
        "benchmarks/out/index_bwa/{bundle}.{key}.tsv"
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
        fasta="resources/{bundle}/{key}/genome.fa.gz",
    output:
        "resources/{bundle}/{key}/genome.sr.mmi",
    log:
        "logs/index_minimap2/{bundle}.{key}.log",
    benchmark:
        "benchmarks/out/index_minimap2/{bundle}.{key}.tsv"
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
        fasta="resources/{bundle}/{key}/genome.fa.gz",
    output:
        fasta="resources/{bundle}/{key}/genome.fa",
        fai="resources/{bundle}/{key}/genome.fa.fai",
    log:
        "logs/decompress_fasta/{bundle}.{key}.log",
    benchmark:
        "benchmarks/out/decompress_fasta/{bundle}.{key}.tsv"
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
        fasta="resources/{bundle}/{key}/genome.fa.gz",
        fai="resources/{bundle}/{key}/genome.fa.gz.fai",
    output:
        regions="resources/{bundle}/{key}/analysable.bed",
        chunks=expand("resources/{{bundle}}/{{key}}/scatter/{chunk}.bed", chunk=CHUNKS),
    params:
        regions=bundle_regions,
    log:
        "logs/scatter_regions/{bundle}.{key}.log",
    benchmark:
        "benchmarks/out/scatter_regions/{bundle}.{key}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=10,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/scatter_regions.py"


# SnpEff database of the bundle's gene models (HGVS c./p. names), built offline from the bundle's GFF3 and
# FASTA (clinwgs.annotate.header.prepare_snpeff_inputs); cached by the FASTA key and the GFF3's sha256 prefix.
rule build_snpeff_db:
    input:
        gff3=lambda w: str(BUNDLES[w.bundle].files.gff3.path),
        fasta="resources/{bundle}/{key}/genome.fa.gz",
        verified="resources/{bundle}/{key}/bundle.verified.json",
    output:
        config="resources/{bundle}/{key}/snpeff_{gkey}/snpEff.config",
        db="resources/{bundle}/{key}/snpeff_{gkey}/data/{bundle}/snpEffectPredictor.bin",
    wildcard_constraints:
        gkey=r"[0-9a-f]{12}",
    log:
        "logs/build_snpeff_db/{bundle}.{key}.{gkey}.log",
    benchmark:
        "benchmarks/out/build_snpeff_db/{bundle}.{key}.{gkey}.tsv"
    threads: 1
    resources:
        mem_mb=3072,
        runtime=20,
    conda:
        "../workflow/envs/snpeff.yaml"
    script:
        "../workflow/scripts/build_snpeff_db.py"


# The bundle's ClinVar, normalised like the sample VCFs (left-aligned, one ALT per record), then collapsed to one
# record per allele with its accessions (clinwgs.interpret.clinvar_prep), for exact-allele annotation; cached
# by the ClinVar file's sha256 prefix.
rule normalise_clinvar:
    input:
        clinvar=lambda w: str(BUNDLES[w.bundle].files.clinvar.path),
        fasta="resources/{bundle}/{key}/genome.fa.gz",
        fai="resources/{bundle}/{key}/genome.fa.gz.fai",
        gzi="resources/{bundle}/{key}/genome.fa.gz.gzi",
    output:
        temp("resources/{bundle}/{key}/clinvar_{ckey}/clinvar.norm.vcf.gz"),
    wildcard_constraints:
        ckey=r"[0-9a-f]{12}",
    log:
        "logs/normalise_clinvar/{bundle}.{key}.{ckey}.log",
    benchmark:
        "benchmarks/out/normalise_clinvar/{bundle}.{key}.{ckey}.tsv"
    threads: 1
    resources:
        mem_mb=2048,
        runtime=20,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools norm -f {input.fasta} -m -any -c w {input.clinvar} -Ou | bcftools sort -Oz -o {output}) 2> {log}"


rule prepare_clinvar:
    input:
        vcf="resources/{bundle}/{key}/clinvar_{ckey}/clinvar.norm.vcf.gz",
    output:
        vcf="resources/{bundle}/{key}/clinvar_{ckey}/clinvar.alleles.vcf.gz",
        tbi="resources/{bundle}/{key}/clinvar_{ckey}/clinvar.alleles.vcf.gz.tbi",
    wildcard_constraints:
        ckey=r"[0-9a-f]{12}",
    log:
        "logs/prepare_clinvar/{bundle}.{key}.{ckey}.log",
    benchmark:
        "benchmarks/out/prepare_clinvar/{bundle}.{key}.{ckey}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=10,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/prepare_clinvar.py"
