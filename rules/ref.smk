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


# SnpEff database of the bundle's gene models (HGVS c./p. names), built offline from the bundle's GFF3 and
# FASTA (clinwgs.annotate.header.prepare_snpeff_inputs); cached by the FASTA key and the GFF3's sha256 prefix.
rule build_snpeff_db:
    input:
        gff3=lambda w: str(BUNDLES[w.bundle].files.gff3.path),
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
        verified=layout.resource("{bundle}", "{key}", "bundle.verified.json"),
    output:
        config=layout.resource("{bundle}", "{key}", "snpeff_{gkey}/snpEff.config"),
        db=layout.resource("{bundle}", "{key}", "snpeff_{gkey}/data/{bundle}/snpEffectPredictor.bin"),
    wildcard_constraints:
        gkey=r"[0-9a-f]{12}",
    log:
        layout.log("build_snpeff_db", "{bundle}.{key}.{gkey}"),
    benchmark:
        layout.timings("build_snpeff_db", "{bundle}.{key}.{gkey}")
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
        fasta=layout.resource("{bundle}", "{key}", "genome.fa.gz"),
        fai=layout.resource("{bundle}", "{key}", "genome.fa.gz.fai"),
        gzi=layout.resource("{bundle}", "{key}", "genome.fa.gz.gzi"),
    output:
        temp(layout.resource("{bundle}", "{key}", "clinvar_{ckey}/clinvar.norm.vcf.gz")),
    wildcard_constraints:
        ckey=r"[0-9a-f]{12}",
    log:
        layout.log("normalise_clinvar", "{bundle}.{key}.{ckey}"),
    benchmark:
        layout.timings("normalise_clinvar", "{bundle}.{key}.{ckey}")
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
        vcf=layout.resource("{bundle}", "{key}", "clinvar_{ckey}/clinvar.norm.vcf.gz"),
    output:
        vcf=layout.resource("{bundle}", "{key}", "clinvar_{ckey}/clinvar.alleles.vcf.gz"),
        tbi=layout.resource("{bundle}", "{key}", "clinvar_{ckey}/clinvar.alleles.vcf.gz.tbi"),
    wildcard_constraints:
        ckey=r"[0-9a-f]{12}",
    log:
        layout.log("prepare_clinvar", "{bundle}.{key}.{ckey}"),
    benchmark:
        layout.timings("prepare_clinvar", "{bundle}.{key}.{ckey}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=10,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/prepare_clinvar.py"
