# Family analysis (issue 16) for every family of the sheet with two or more sequenced members
# (RUN.pedigrees, validated by clinwgs.family.pedigree): joint calling of the members' alignments over the
# same scatter chunks as rules/call.smk, gathered, normalised, filtered per sample genotype, de novo
# candidates (bcftools +trio-dnm2, clinwgs.family.denovo) and family QC (clinwgs.family.qc). Each member
# keeps its own single-sample VCF and report; the proband's interpretation also reads the family outputs
# (family_interpret_inputs, unpacked in rules/interpret.smk's interpret_variants).
from clinwgs.family.commands import family_filter_pipeline, read_groups_text, trio_dnm_command
from clinwgs.family.inputs import FamilyInputs

FAMILIES = RUN.pedigrees
FAMILY = FamilyInputs(FAMILIES, ALN, RUN.caller, res_dir)
# the proband's pedigree, family QC and de novo VCF ({} for any other sample): unpacked by interpret_variants
family_interpret_inputs = FAMILY.interpret_inputs


wildcard_constraints:
    family="|".join(sorted(FAMILIES)) or "none",


rule write_pedigree:
    output:
        layout.family_pedigree("{family}"),
    params:
        pedigree=lambda w: FAMILIES[w.family],
    log:
        layout.log("write_pedigree", "{family}"),
    benchmark:
        layout.timings("write_pedigree", "{family}")
    threads: 1
    resources:
        mem_mb=256,
        runtime=5,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/family.py"


rule family_read_groups:
    input:
        unpack(FAMILY.alignments),
    output:
        layout.family_read_groups("{family}"),
    params:
        text=lambda w, input: read_groups_text(FAMILY.members(w.family), list(input.aln)),
    log:
        layout.log("family_read_groups", "{family}"),
    benchmark:
        layout.timings("family_read_groups", "{family}")
    threads: 1
    resources:
        mem_mb=256,
        runtime=5,
    conda:
        "../workflow/envs/clinwgs.yaml"
    shell:
        "printf '%s' '{params.text}' > {output} 2> {log}"


rule call_family:
    input:
        unpack(FAMILY.caller_inputs),
    output:
        temp(layout.family_call_chunk("{family}", "{chunk}")),
    params:
        env=FAMILY.no_remote_ref,
        cmd=FAMILY.caller_command,
    log:
        layout.log("call_family", "{family}.{chunk}"),
    benchmark:
        layout.timings("call_family", "{family}.{chunk}")
    threads: 1
    resources:
        mem_mb=2048,
        runtime=240,
    conda:
        "../workflow/envs/bcftools.yaml" if RUN.caller == "bcftools" else "../workflow/envs/freebayes.yaml"
    shell:
        "({params.env} {params.cmd}) 2> {log}"


rule gather_family_calls:
    input:
        [layout.family_call_chunk("{family}", chunk) for chunk in CHUNKS],
    output:
        vcf=layout.family_vcf("{family}", "raw"),
        tbi=layout.family_vcf("{family}", "raw") + ".tbi",
    log:
        layout.log("gather_family_calls", "{family}"),
    benchmark:
        layout.timings("gather_family_calls", "{family}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools concat -Oz -o {output.vcf} {input} && tabix -p vcf {output.vcf}) 2> {log}"


rule normalise_family:
    input:
        unpack(FAMILY.ref),
        vcf=layout.family_vcf("{family}", "raw"),
    output:
        vcf=layout.family_vcf("{family}", "norm"),
        tbi=layout.family_vcf("{family}", "norm") + ".tbi",
    log:
        layout.log("normalise_family", "{family}"),
    benchmark:
        layout.timings("normalise_family", "{family}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "(bcftools norm -f {input.fasta} -m -any --check-ref e -Oz -o {output.vcf} {input.vcf}"
        " && tabix -p vcf {output.vcf}) 2> {log}"


rule regenotype_family:
    input:
        unpack(FAMILY.ref),
        unpack(FAMILY.alignments),
        vcf=layout.family_vcf("{family}", "norm"),
    output:
        vcf=temp(layout.family_vcf("{family}", "regenotyped")),
        tbi=temp(layout.family_vcf("{family}", "regenotyped") + ".tbi"),
    params:
        members=lambda w: FAMILY.members(w.family),
    log:
        layout.log("regenotype_family", "{family}"),
    benchmark:
        layout.timings("regenotype_family", "{family}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/regenotype_indels.py"


rule filter_family:
    input:
        vcf=layout.family_vcf("{family}", "regenotyped" if RUN.regenotype_indels else "norm"),
    output:
        vcf=layout.family_vcf("{family}", "filtered"),
        tbi=layout.family_vcf("{family}", "filtered") + ".tbi",
    params:
        cmd=lambda w, input, output: family_filter_pipeline(input.vcf, output.vcf, RUN.filters),
    log:
        layout.log("filter_family", "{family}"),
    benchmark:
        layout.timings("filter_family", "{family}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "({params.cmd} && tabix -p vcf {output.vcf}) 2> {log}"


rule trio_dnm_family:
    input:
        vcf=layout.family_vcf("{family}", "filtered"),
    output:
        temp(layout.family_vcf("{family}", "dnm")),
    params:
        cmd=lambda w, input, output: trio_dnm_command(FAMILIES[w.family], input.vcf, output[0], RUN.caller),
    log:
        layout.log("trio_dnm_family", "{family}"),
    benchmark:
        layout.timings("trio_dnm_family", "{family}")
    threads: 1
    resources:
        mem_mb=1024,
        runtime=30,
    conda:
        "../workflow/envs/bcftools.yaml"
    shell:
        "({params.cmd}) 2> {log}"


rule denovo_family:
    input:
        vcf=layout.family_vcf("{family}", "dnm"),
    output:
        vcf=layout.family_vcf("{family}", "denovo"),
        tbi=layout.family_vcf("{family}", "denovo") + ".tbi",
    params:
        pedigree=lambda w: FAMILIES[w.family],
        settings=RUN.family,
    log:
        layout.log("denovo_family", "{family}"),
    benchmark:
        layout.timings("denovo_family", "{family}")
    threads: 1
    resources:
        mem_mb=512,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/family.py"


rule family_qc:
    input:
        vcf=layout.family_vcf("{family}", "filtered"),
        pedigree=layout.family_pedigree("{family}"),
        summaries=lambda w: [layout.qc(s, "mosdepth.summary.txt") for s in FAMILY.members(w.family)],
    output:
        layout.family_qc("{family}"),
    params:
        pedigree=lambda w: FAMILIES[w.family],
        members=lambda w: FAMILY.members(w.family),
        settings=RUN.family,
        filters=RUN.filters,
    log:
        layout.log("family_qc", "{family}"),
    benchmark:
        layout.timings("family_qc", "{family}")
    threads: 1
    resources:
        mem_mb=512,
        runtime=30,
    conda:
        "../workflow/envs/clinwgs.yaml"
    script:
        "../workflow/scripts/family.py"
