# Normalisation (reference-checked), hard filters as FILTER flags, and annotation: bcftools csq with the
# bundle's GFF3 (skipped, with a header note, when it has none), SnpEff HGVS names (database built from the same
# GFF3, rules/ref.smk), ClinVar matched on the exact allele (prepared copy, rules/ref.smk) and population AF
# (INFO keys: docs/architecture.md). Commands are built by clinwgs.annotate.header.
from clinwgs.annotate.header import annotate_pipeline, filter_pipeline, write_header


rule normalise_variants:
    input:
        unpack(ref_files),
        vcf="results/{sample}/call/{sample}.raw.vcf.gz",
    output:
        vcf="results/{sample}/vcf/{sample}.norm.vcf.gz",
        tbi="results/{sample}/vcf/{sample}.norm.vcf.gz.tbi",
    log:
        "logs/normalise_variants/{sample}.log",
    benchmark:
        "benchmarks/out/normalise_variants/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools norm -f {input.fasta} -m -any --check-ref e -Oz -o {output.vcf} {input.vcf}"
        " && tabix -p vcf {output.vcf}) 2> {log}"


rule filter_variants:
    input:
        vcf="results/{sample}/vcf/{sample}.norm.vcf.gz",
    output:
        vcf="results/{sample}/vcf/{sample}.filtered.vcf.gz",
        tbi="results/{sample}/vcf/{sample}.filtered.vcf.gz.tbi",
    params:
        cmd=lambda w, input, output: filter_pipeline(input.vcf, output.vcf, RUN.filters),
    log:
        "logs/filter_variants/{sample}.log",
    benchmark:
        "benchmarks/out/filter_variants/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "({params.cmd} && tabix -p vcf {output.vcf}) 2> {log}"


rule write_annotation_header:
    input:
        verified=lambda w: f"{res_dir(w.sample)}/bundle.verified.json",
    output:
        "results/{sample}/vcf/{sample}.annotation_header.txt",
    params:
        bundle=lambda w: bundle_of(w.sample),
    log:
        "logs/write_annotation_header/{sample}.log",
    benchmark:
        "benchmarks/out/write_annotation_header/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=256,
        runtime=5,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/write_annotation_header.py"


rule annotate_variants:
    input:
        unpack(ref_files),
        unpack(annotation_inputs),
        vcf="results/{sample}/vcf/{sample}.filtered.vcf.gz",
        header="results/{sample}/vcf/{sample}.annotation_header.txt",
    output:
        vcf="results/{sample}/vcf/{sample}.annotated.vcf.gz",
        tbi="results/{sample}/vcf/{sample}.annotated.vcf.gz.tbi",
    params:
        cmd=lambda w, input, output: annotate_pipeline(
            bundle_of(w.sample),
            input.vcf,
            output.vcf,
            input.fasta,
            input.header,
            snpeff_db(w.sample),
            clinvar_prepared(w.sample),
        ),
    log:
        "logs/annotate_variants/{sample}.log",
    benchmark:
        "benchmarks/out/annotate_variants/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=3072,
        runtime=30,
    conda:
        "../workflow/envs/snpeff.yaml"
    shell:
        "({params.cmd} && tabix -p vcf {output.vcf}) 2> {log}"
