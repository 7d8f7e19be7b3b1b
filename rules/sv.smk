# Structural and copy-number variants (issue 17): delly call once per SV type (scattered, resumable),
# gathered; CNVkit read depth (WGS mode, flat reference: no panel of normals); optional TIDDIT; merged and
# filtered by `clinwgs.structural.merge` into layout.sv_vcf(sample), the contract of clinwgs.models.structural.
# Settings: RUN.sv (clinwgs.config.models.SvSettings); policy: docs/operations.md "Structural variants".

from clinwgs.structural import targets as sv_targets

SV_TYPES = list(RUN.sv.types)


wildcard_constraints:
    svtype="DEL|DUP|INV|BND|INS",


# input functions (clinwgs.structural.targets); sv_interpret_inputs is unpacked by rule interpret_variants
sv_interpret_inputs = lambda w: sv_targets.interpret_inputs(RUN, w.sample)
sv_outputs = lambda sample: sv_targets.outputs(RUN, sample)  # in per_sample_outputs (rules/common.smk)


rule call_sv_delly:
    input:
        unpack(sample_alignment),
        unpack(ref_files),
    output:
        vcf=temp(layout.sv_part("{sample}", "delly", "{sample}.{svtype}.vcf.gz")),
        tbi=temp(layout.sv_part("{sample}", "delly", "{sample}.{svtype}.vcf.gz.tbi")),
    params:
        bcf=lambda w: layout.sv_part(w.sample, "delly", f"{w.sample}.{w.svtype}.bcf"),
        empty=sv_targets.NOT_ASSESSED_VCF,
        env=no_remote_ref,
    log:
        layout.log("call_sv_delly", "{sample}.{svtype}"),
    benchmark:
        layout.timings("call_sv_delly", "{sample}.{svtype}")
    threads: 1
    resources:
        mem_mb=4096,
        runtime=240,
    conda:
        "../workflow/envs/delly.yaml"
    shell:
        # too few read pairs to estimate the insert size (a tiny or very shallow sample): delly stops; the
        # step writes an empty VCF whose header says so, and the merged SV VCF carries that line on
        # (##clinwgs_sv_not_assessed, clinwgs.structural.merge), so a report never reads it as "no SV found"
        "({params.env} rm -f {params.bcf} {params.bcf}.csi;"
        " if delly call -t {wildcards.svtype} -g {input.fasta} -o {params.bcf} {input.aln}; then"
        " bcftools view -Oz -o {output.vcf} {params.bcf} && rm -f {params.bcf} {params.bcf}.csi;"
        " elif grep -q 'not enough data to estimate library parameters' {log}; then"
        " printf '{params.empty}' {wildcards.sample} | bgzip -c > {output.vcf};"
        " else exit 1; fi && tabix -f -p vcf {output.vcf}) > {log} 2>&1"


rule gather_sv_delly:
    input:
        vcfs=[layout.sv_part("{sample}", "delly", f"{{sample}}.{t}.vcf.gz") for t in SV_TYPES],
        tbis=[layout.sv_part("{sample}", "delly", f"{{sample}}.{t}.vcf.gz.tbi") for t in SV_TYPES],
    output:
        vcf=layout.sv_vcf("{sample}", "delly"),
        tbi=layout.sv_vcf("{sample}", "delly") + ".tbi",
    log:
        layout.log("gather_sv_delly", "{sample}"),
    benchmark:
        layout.timings("gather_sv_delly", "{sample}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools concat -a -Ou {input.vcfs} | bcftools sort -Oz -o {output.vcf} && tabix -f -p vcf {output.vcf}) 2> {log}"


rule call_cnv_cnvkit:
    input:
        unpack(sample_alignment),
        fasta=lambda w: f"{res_dir(w.sample)}/genome.fa",
        access=analysable_bed,
    output:
        cns=layout.sv_part("{sample}", "cnvkit", "{sample}.call.cns"),
    params:
        outdir=lambda w: layout.sv_part(w.sample, "cnvkit", "batch"),
        bin_bp=RUN.sv.cnv_bin_bp,
        env=no_remote_ref,
    log:
        layout.log("call_cnv_cnvkit", "{sample}"),
    benchmark:
        layout.timings("call_cnv_cnvkit", "{sample}")
    threads: 1
    resources:
        mem_mb=4096,
        runtime=120,
    conda:
        "../workflow/envs/cnvkit.yaml"
    shell:
        # Debian installs the entry point as `cnvkit`, bioconda as `cnvkit.py`; -n: flat reference
        "({params.env} rm -rf {params.outdir}; CNVKIT=$(command -v cnvkit.py || command -v cnvkit);"
        " $CNVKIT batch {input.aln} -n -f {input.fasta} --method wgs --access {input.access}"
        " --target-avg-size {params.bin_bp} -p {threads} -d {params.outdir}"
        " --output-reference {params.outdir}/flat.cnn"
        " && cp {params.outdir}/{wildcards.sample}.call.cns {output.cns}) > {log} 2>&1"


rule call_sv_tiddit:
    input:
        unpack(sample_alignment),
        fasta=lambda w: f"{res_dir(w.sample)}/genome.fa",
    output:
        vcf=layout.sv_vcf("{sample}", "tiddit"),
    params:
        prefix=lambda w: layout.sv_part(w.sample, "tiddit", w.sample),
        env=no_remote_ref,
    log:
        layout.log("call_sv_tiddit", "{sample}"),
    benchmark:
        layout.timings("call_sv_tiddit", "{sample}")
    threads: 1
    resources:
        mem_mb=4096,
        runtime=240,
    conda:
        "../workflow/envs/tiddit.yaml"
    shell:
        # --skip_assembly: the local assembly needs fermi2 and ropebwt2, which Debian does not package
        "({params.env} tiddit --sv --skip_assembly --bam {input.aln} --ref {input.fasta} -o {params.prefix} --threads {threads}"
        " && bgzip -c {params.prefix}.vcf > {output.vcf}) > {log} 2>&1"


rule merge_sv:
    input:
        unpack(lambda w: sv_targets.merge_inputs(RUN, w.sample, ref_fasta(w))),
    output:
        vcf=layout.sv_vcf("{sample}"),
        tbi=layout.sv_vcf("{sample}") + ".tbi",
    params:
        policy=RUN.sv,
    log:
        layout.log("merge_sv", "{sample}"),
    benchmark:
        layout.timings("merge_sv", "{sample}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/merge_sv.py"
