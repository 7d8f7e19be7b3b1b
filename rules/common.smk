# Shared setup: validated config (schema -> pydantic), reference bundles, input functions, final targets.
# Later stages extend the targets with one line each in final_outputs().
from pathlib import Path

from clinwgs.config import load_config_dict
from clinwgs.inputs import alignment_matches_reference, require_matching_reference
from clinwgs.reference import load_manifest

RUN = load_config_dict(config)
BUNDLES = {s.reference: load_manifest(RUN.bundles[s.reference]) for s in RUN.samples.values()}
ALN = "cram" if RUN.alignment_format == "cram" else "bam"
ALN_INDEX = "crai" if ALN == "cram" else "bai"
CHUNKS = [f"{i:04d}" for i in range(RUN.scatter_chunks)]


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
    return f"resources/{bundle.name}/{bundle.key}"


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
    fai = fasta.with_name(fasta.name + ".fai")
    if RUN.on_reference_mismatch == "error":
        require_matching_reference(u.bam, fai, fasta, sample)
    return alignment_matches_reference(u.bam, fai, fasta, sample)


def unit_alignments(wildcards):
    """Per-unit sorted alignments of a sample: reused input or freshly aligned."""
    kinds = {True: "reused", False: "aligned"}
    return [
        f"results/{wildcards.sample}/align/units/{u.unit_id}.{kinds[unit_is_reused(wildcards.sample, u.unit_id)]}.bam"
        for u in RUN.units[wildcards.sample]
    ]


def sample_alignment(wildcards):
    base = f"results/{wildcards.sample}/align/{wildcards.sample}.{ALN}"
    return {"aln": base, "index": f"{base}.{ALN_INDEX}"}


def threads_for(kind, default=1):
    return RUN.threads.get(kind, default)


def per_sample_outputs(sample):
    """Core-workflow outputs of one sample (alignment, QC, VCFs)."""
    qc = f"results/{sample}/qc/{sample}"
    vcf = f"results/{sample}/vcf/{sample}"
    return [
        f"results/{sample}/align/{sample}.{ALN}",
        f"results/{sample}/align/{sample}.{ALN}.{ALN_INDEX}",
        f"{qc}.stats.txt",
        f"{qc}.flagstat.txt",
        f"{qc}.mosdepth.summary.txt",
        f"{vcf}.annotated.vcf.gz",
        f"{vcf}.annotated.vcf.gz.tbi",
    ]


def final_outputs(wildcards=None):
    """Targets of `rule all`. Later stages append theirs here (one line each)."""
    targets = [p for s in RUN.samples for p in per_sample_outputs(s)]
    targets.append("results/multiqc/multiqc_report.html")
    targets += [f"results/{s}/report/{s}.report.{ext}" for s in RUN.samples for ext in ("html", "pdf", "json")]
    return targets
