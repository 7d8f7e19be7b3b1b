# Shared setup: validated config (schema -> typed models, clinwgs.config.models), reference bundles, input
# functions, final targets. Rules read only RUN (never the raw `config` dict) and its defaults live in the models.
# Later stages extend the targets with one line each in sample_final_outputs().
from pathlib import Path

from clinwgs.annotate.header import SnpEffDb
from clinwgs.calling.commands import caller_command as calling_command
from clinwgs.config.load import load_config_dict
from clinwgs.core import layout
from clinwgs.inputs.alignment import alignment_matches_reference, require_matching_reference
from clinwgs.reference.bundles import load_manifest

RUN = load_config_dict(config)
# each bundle the samples use, loaded (and schema-checked) once however many samples use it
BUNDLES = {
    name: load_manifest(RUN.bundles[name]) for name in sorted({s.reference for s in RUN.samples.values()})
}
ALN = RUN.alignment_format  # bam or cram; its index (bai or crai): layout.alignment_index
CHUNKS = [f"{i:04d}" for i in range(RUN.scatter.chunks)]
# the cohort's MultiQC report; `clinwgs run --profile` names one per batch so batches do not overwrite it
MULTIQC_NAME = RUN.multiqc_name


wildcard_constraints:
    sample="|".join(sorted(RUN.samples)),
    unit=r"[A-Za-z0-9][A-Za-z0-9_.-]*",
    bundle="|".join(sorted(BUNDLES)) or "none",
    key=r"[0-9a-f]{12}",
    chunk=r"[0-9]{4}",


def bundle_of(sample):
    return BUNDLES[RUN.samples[sample].reference]


def res_dir(sample):
    """resources/<bundle>/<fasta sha256 prefix>: derived indexes of the sample's reference."""
    bundle = bundle_of(sample)
    return layout.resource_dir(bundle.name, bundle.key)


def ref_fasta(wildcards):
    return f"{res_dir(wildcards.sample)}/genome.fa.gz"


def ref_files(wildcards):
    """bgzip'd FASTA with its faidx indexes (named inputs for any rule that reads the reference)."""
    base = ref_fasta(wildcards)
    return {"fasta": base, "fai": f"{base}.fai", "gzi": f"{base}.gzi"}


def no_remote_ref(wildcards):
    """Shell prefix: htslib looks up CRAM references only in a local cache, never remotely."""
    cache = f"{res_dir(wildcards.sample)}/ref_cache/%2s/%2s/%s"
    return f"export REF_PATH='{cache}' REF_CACHE='{cache}';"


def get_unit(sample, unit):
    return next(u for u in RUN.units[sample] if u.unit_id == unit)


def unit_is_reused(sample, unit):
    """A BAM/CRAM unit whose @SQ lengths (and M5) match the bundle is reused, not realigned."""
    u = get_unit(sample, unit)
    if u.bam is None:
        return False
    fasta = bundle_of(sample).files.fasta.path
    if RUN.on_reference_mismatch == "error":
        require_matching_reference(u.bam, fasta, sample=sample)
    return alignment_matches_reference(u.bam, fasta, sample=sample)


def unit_alignments(wildcards):
    """Per-unit sorted alignments of a sample: reused input or freshly aligned."""
    kinds = {True: "reused", False: "aligned"}
    sample = wildcards.sample
    return [
        layout.unit_alignment(sample, u.unit_id, kinds[unit_is_reused(sample, u.unit_id)])
        for u in RUN.units[sample]
    ]


def sample_alignment(wildcards):
    return {"aln": layout.alignment(wildcards.sample, ALN), "index": layout.alignment_index(wildcards.sample, ALN)}


def per_sample_outputs(sample):
    """Core-workflow outputs of one sample (alignment, QC, VCFs)."""
    return [
        layout.alignment(sample, ALN),
        layout.alignment_index(sample, ALN),
        layout.qc(sample, "stats.txt"),
        layout.qc(sample, "flagstat.txt"),
        layout.qc(sample, "mosdepth.summary.txt"),
        layout.vcf(sample, "annotated"),
        layout.vcf(sample, "annotated") + ".tbi",
    ]


def sample_final_outputs(sample):
    """The final targets of one sample: core outputs, the report, the provenance manifest and the publish
    receipt. Later stages append theirs here (one line each)."""
    return [
        *per_sample_outputs(sample),
        *(layout.report(sample, ext) for ext in ("html", "pdf", "json")),
        layout.manifest(sample),
        layout.receipt(sample),
        layout.identity(sample),  # rules/identity.smk
    ]


def final_outputs(wildcards=None):
    """The default target (all): every sample's final outputs and the cohort's MultiQC report."""
    return [p for s in RUN.samples for p in sample_final_outputs(s)] + [layout.multiqc_report(MULTIQC_NAME)]


def bundle_fasta(wildcards):
    return str(BUNDLES[wildcards.bundle].files.fasta.path)


def bundle_regions(wildcards):
    regions = BUNDLES[wildcards.bundle].files.regions
    return str(regions.path) if regions else ""


def analysable_bed(wildcards):
    return f"{res_dir(wildcards.sample)}/analysable.bed"


def fastp_reports(wildcards=None):
    return [layout.fastp(s, u.unit_id, "json") for s in RUN.samples for u in RUN.units[s]
            if not unit_is_reused(s, u.unit_id)]


def unit_fastqs(wildcards):
    unit = get_unit(wildcards.sample, wildcards.unit)
    if unit.bam is not None:
        sample, unit_id = wildcards.sample, wildcards.unit
        return {"r1": layout.extracted_reads(sample, unit_id, 1), "r2": layout.extracted_reads(sample, unit_id, 2)}
    return {"r1": str(unit.fq1), "r2": str(unit.fq2)}


def aligner_index(wildcards):
    base = ref_fasta(wildcards)
    if RUN.aligner == "minimap2":
        return [f"{res_dir(wildcards.sample)}/genome.sr.mmi"]
    return multiext(base, ".amb", ".ann", ".bwt", ".pac", ".sa")


def aligner_command(wildcards, input, threads):
    unit = get_unit(wildcards.sample, wildcards.unit)
    rg = f"@RG\\tID:{wildcards.sample}.{unit.unit_id}\\tSM:{wildcards.sample}\\tLB:{wildcards.sample}\\tPL:{unit.platform}"
    if RUN.aligner == "minimap2":
        return f"minimap2 -ax sr -t {threads} -R '{rg}' {input.index[0]} {input.r1} {input.r2}"
    return f"bwa mem -K 100000000 -t {threads} -R '{rg}' {input.fasta} {input.r1} {input.r2}"


def chunk_bed(wildcards):
    return f"{res_dir(wildcards.sample)}/scatter/{wildcards.chunk}.bed"


def caller_inputs(wildcards):
    inputs = sample_alignment(wildcards) | {"bed": chunk_bed(wildcards)}
    if RUN.caller == "freebayes":
        return inputs | {"fasta": f"{res_dir(wildcards.sample)}/genome.fa"}
    return inputs | ref_files(wildcards)


def caller_command(wildcards, input, output):
    # built by clinwgs.calling.commands (the bare-caller check runs the same settings)
    return calling_command(RUN.caller, input.fasta, input.aln, output[0], bed=input.bed)


# ---- annotation inputs (rules/annotate.smk) ----


def snpeff_db(sample):
    """The sample's bundle's SnpEff database (None when the bundle has no gene models)."""
    bundle = bundle_of(sample)
    if bundle.files.gff3 is None:
        return None
    base = f"{res_dir(sample)}/snpeff_{bundle.files.gff3.sha256[:12]}"
    return SnpEffDb(config=f"{base}/snpEff.config", genome=bundle.name)


def clinvar_prepared(sample):
    bundle = bundle_of(sample)
    if bundle.files.clinvar is None:
        return None
    return f"{res_dir(sample)}/clinvar_{bundle.files.clinvar.sha256[:12]}/clinvar.alleles.vcf.gz"


def annotation_inputs(wildcards):
    """The SnpEff database and prepared ClinVar file the sample's annotation needs (when the bundle has them)."""
    out = {}
    db = snpeff_db(wildcards.sample)
    if db is not None:
        out["snpeff_config"] = db.config
        out["snpeff_db"] = f"{db.config.rsplit('/', 1)[0]}/data/{db.genome}/snpEffectPredictor.bin"
    clinvar = clinvar_prepared(wildcards.sample)
    if clinvar is not None:
        out["clinvar"] = clinvar
        out["clinvar_tbi"] = f"{clinvar}.tbi"
    return out
