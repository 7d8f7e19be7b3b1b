# Normalisation (reference-checked), hard filters as FILTER flags, and annotation: bcftools csq with the
# bundle's GFF3 (skipped, with a header note, when it has none), SnpEff HGVS names (database built from the same
# GFF3, rules/ref.smk), ClinVar matched on the exact allele (prepared copy, rules/ref.smk) and population AF
# (INFO keys: docs/architecture.md). Commands are built by clinwgs.annotate.header.
from clinwgs.annotate.header import annotate_pipeline, filter_pipeline, write_header


rule normalise_variants:
    input:
        unpack(ref_files),
        vcf=layout.raw_calls("{sample}"),
    output:
        vcf=layout.vcf("{sample}", "norm"),
        tbi=layout.vcf("{sample}", "norm") + ".tbi",
    log:
        layout.log("normalise_variants", "{sample}"),
    benchmark:
        layout.timings("normalise_variants", "{sample}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools norm -f {input.fasta} -m -any --check-ref e -Oz -o {output.vcf} {input.vcf}"
        " && tabix -p vcf {output.vcf}) 2> {log}"


rule regenotype_indels:
    input:
        unpack(ref_files),
        vcf=layout.vcf("{sample}", "norm"),
        aln=layout.alignment("{sample}", ALN),
        idx=layout.alignment_index("{sample}", ALN),
    output:
        vcf=temp(layout.vcf("{sample}", "regenotyped")),
        tbi=temp(layout.vcf("{sample}", "regenotyped") + ".tbi"),
    log:
        layout.log("regenotype_indels", "{sample}"),
    benchmark:
        layout.timings("regenotype_indels", "{sample}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/regenotype_indels.py"


rule filter_variants:
    input:
        vcf=layout.vcf("{sample}", "regenotyped" if RUN.regenotype_indels else "norm"),
    output:
        vcf=layout.vcf("{sample}", "filtered"),
        tbi=layout.vcf("{sample}", "filtered") + ".tbi",
    params:
        cmd=lambda w, input, output: filter_pipeline(input.vcf, output.vcf, RUN.filters),
    log:
        layout.log("filter_variants", "{sample}"),
    benchmark:
        layout.timings("filter_variants", "{sample}")
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
        layout.annotation_header("{sample}"),
    params:
        bundle=lambda w: bundle_of(w.sample),
    log:
        layout.log("write_annotation_header", "{sample}"),
    benchmark:
        layout.timings("write_annotation_header", "{sample}")
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
        vcf=layout.vcf("{sample}", "filtered"),
        header=layout.annotation_header("{sample}"),
    output:
        vcf=layout.vcf("{sample}", "annotated"),
        tbi=layout.vcf("{sample}", "annotated") + ".tbi",
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
        layout.log("annotate_variants", "{sample}"),
    benchmark:
        layout.timings("annotate_variants", "{sample}")
    threads: 1
    resources:
        mem_mb=3072,
        runtime=30,
    conda:
        "../workflow/envs/snpeff.yaml"
    shell:
        "({params.cmd} && tabix -p vcf {output.vcf}) 2> {log}"
