"""Where every file the workflow writes lives: the one place that names ``results/``, ``logs/`` and
``resources/`` paths (docs/architecture.md, "Results layout").

Every function returns a relative path as text, usable both as a Snakemake pattern (pass ``"{sample}"`` and
the other wildcards as values) and, through ``Path(...)``, from Python. ``root`` is the results directory
(``results`` relative to the directory the workflow runs in; another one for a moved or archived tree).

Per-rule timings (Snakemake ``benchmark:`` files: start, seconds, peak memory) are written under
``logs/timings/<rule>/``: they are step records read by the provenance manifest and `clinwgs status`, not
the speed measurements of ``benchmarks/`` nor the accuracy comparison of ``clinwgs benchmark``.
"""

from __future__ import annotations

RESULTS = "results"
LOGS = "logs"
TIMINGS = f"{LOGS}/timings"
RESOURCES = "resources"
MULTIQC = f"{RESULTS}/multiqc"
"""The cohort's MultiQC reports: <MULTIQC>/<name>.html."""

MANIFEST_NAME = "manifest.json"
ANALYSIS_MANIFEST_NAME = "analysis_manifest.json"
NOT_SAMPLES = frozenset({"multiqc", "validation", "benchmarks", "identity", "families"})
"""Folders directly under results/ that are not a sample's."""


# --- per sample: results/<sample>/ ------------------------------------------------------------------------


def sample_dir(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}"


def alignment(sample: str, fmt: str, root: str = RESULTS) -> str:
    """The merged alignment, <sample>.bam or <sample>.cram (``fmt``)."""
    return f"{root}/{sample}/align/{sample}.{fmt}"


def alignment_index(sample: str, fmt: str, root: str = RESULTS) -> str:
    return f"{alignment(sample, fmt, root)}.{'crai' if fmt == 'cram' else 'bai'}"


def unit_alignment(sample: str, unit: str, kind: str, root: str = RESULTS) -> str:
    """A unit's sorted alignment (temporary); ``kind``: aligned (from reads) or reused (an input BAM/CRAM)."""
    return f"{root}/{sample}/align/units/{unit}.{kind}.bam"


def unit_sort_tmp(sample: str, unit: str, root: str = RESULTS) -> str:
    """Prefix of samtools sort's temporary files for one unit."""
    return f"{root}/{sample}/align/units/{unit}.sorttmp"


def extracted_reads(sample: str, unit: str, mate: int, root: str = RESULTS) -> str:
    """Reads of a BAM/CRAM unit that is realigned (temporary), mate 1 or 2."""
    return f"{root}/{sample}/realign/{unit}.R{mate}.fastq.gz"


def collate_tmp(sample: str, unit: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/realign/{unit}.collate"


def trimmed_reads(sample: str, unit: str, mate: int, root: str = RESULTS) -> str:
    """fastp output (temporary), mate 1 or 2."""
    return f"{root}/{sample}/trimmed/{unit}.R{mate}.fastq.gz"


def qc_dir(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/qc"


def qc_prefix(sample: str, root: str = RESULTS) -> str:
    """results/<sample>/qc/<sample>: the prefix mosdepth writes its whole-genome outputs under."""
    return f"{qc_dir(sample, root)}/{sample}"


def qc(sample: str, suffix: str, root: str = RESULTS) -> str:
    """A QC file, results/<sample>/qc/<sample>.<suffix> (stats.txt, flagstat.txt, mosdepth.summary.txt)."""
    return f"{qc_prefix(sample, root)}.{suffix}"


def input_check(sample: str, root: str = RESULTS) -> str:
    return qc(sample, "input_check.json", root)


def fastp(sample: str, unit: str, ext: str, root: str = RESULTS) -> str:
    """fastp report of one unit, ``ext`` json or html."""
    return qc(sample, f"{unit}.fastp.{ext}", root)


def call_chunk(sample: str, chunk: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/call/chunks/{chunk}.vcf.gz"


def raw_calls(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/call/{sample}.raw.vcf.gz"


def vcf(sample: str, stage: str, root: str = RESULTS) -> str:
    """results/<sample>/vcf/<sample>.<stage>.vcf.gz; ``stage``: norm, regenotyped, filtered or annotated."""
    return f"{root}/{sample}/vcf/{sample}.{stage}.vcf.gz"


def annotation_header(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/vcf/{sample}.annotation_header.txt"


def panel_bed(sample: str, root: str = RESULTS) -> str:
    """Coding exons of the test's panel genes (what the panel coverage is measured over)."""
    return f"{root}/{sample}/interpret/{sample}.panel.bed"


def findings(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/interpret/findings.json"


def findings_tsv(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/interpret/findings.tsv"


def report(sample: str, ext: str, root: str = RESULTS) -> str:
    """The clinician report, ``ext`` html, pdf or json."""
    return f"{root}/{sample}/report/{sample}.report.{ext}"


def receipt(sample: str, root: str = RESULTS) -> str:
    """What the record service answered (or why the report is not published yet)."""
    return f"{root}/{sample}/publish/receipt.json"


def publish_dir(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/publish"


def manifest(sample: str, root: str = RESULTS) -> str:
    """The final provenance manifest (everything but publish/)."""
    return f"{root}/{sample}/{MANIFEST_NAME}"


def analysis_manifest(sample: str, root: str = RESULTS) -> str:
    """The provenance record of everything up to findings.json, cited by the report."""
    return f"{root}/{sample}/{ANALYSIS_MANIFEST_NAME}"


def identity(sample: str, root: str = RESULTS) -> str:
    """The sample identity result (fingerprint checks, sex), read by interpret, report and provenance."""
    return f"{root}/{sample}/identity/{sample}.identity.json"


def fingerprint(sample: str, root: str = RESULTS) -> str:
    """Genotypes of the merged alignment at the bundle's fingerprint sites."""
    return f"{root}/{sample}/identity/{sample}.fingerprint.json"


def unit_fingerprint(sample: str, unit: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/identity/units/{unit}.fingerprint.json"


def run_identity(name: str, root: str = RESULTS) -> str:
    """The comparison of every sample of one run (named like its MultiQC report)."""
    return f"{root}/identity/{name}.run_identity.json"


def multiqc_report(name: str) -> str:
    return f"{MULTIQC}/{name}.html"


# --- logs/ ------------------------------------------------------------------------------------------------


def log(rule: str, name: str) -> str:
    """A rule's log, logs/<rule>/<name>.log (``name``: the sample, sample.unit, bundle.key ...)."""
    return f"{LOGS}/{rule}/{name}.log"


def timings(rule: str, name: str) -> str:
    """A rule's per-run timing record (Snakemake ``benchmark:``), logs/timings/<rule>/<name>.tsv."""
    return f"{TIMINGS}/{rule}/{name}.tsv"


# --- resources/<bundle>/<key>/: derived indexes, cached by the FASTA's checksum ---------------------------


def resource_dir(bundle: str, key: str) -> str:
    """resources/<bundle>/<first 12 hex of the FASTA sha256>/."""
    return f"{RESOURCES}/{bundle}/{key}"


def resource(bundle: str, key: str, name: str) -> str:
    """A file of resource_dir: genome.fa.gz, genome.fa.gz.fai, analysable.bed, scatter/<chunk>.bed ..."""
    return f"{resource_dir(bundle, key)}/{name}"


# --- families: results/families/<family_id>/ (issue 16) ---------------------------------------------------
FAMILIES = "families"


def family_dir(family_id: str, root: str = RESULTS) -> str:
    return f"{root}/{FAMILIES}/{family_id}"


def family_pedigree(family_id: str, root: str = RESULTS) -> str:
    """The validated pedigree (clinwgs.models.family.Pedigree as JSON)."""
    return f"{family_dir(family_id, root)}/pedigree.json"


def family_vcf(family_id: str, stage: str, root: str = RESULTS) -> str:
    """The family joint calls: raw, norm, regenotyped (spanning-read indel zygosity, temporary), filtered
    (per-sample genotype filters), denovo (trio-dnm2 tags)."""
    return f"{family_dir(family_id, root)}/vcf/{family_id}.{stage}.vcf.gz"


def family_call_chunk(family_id: str, chunk: str, root: str = RESULTS) -> str:
    """One scatter chunk of the family's joint calls (temporary)."""
    return f"{family_dir(family_id, root)}/call/chunks/{chunk}.vcf.gz"


def family_read_groups(family_id: str, root: str = RESULTS) -> str:
    """bcftools mpileup --read-groups file: every member's alignment read as that member's sample_id."""
    return f"{family_dir(family_id, root)}/call/{family_id}.read_groups.txt"


def family_qc(family_id: str, root: str = RESULTS) -> str:
    """Family QC (clinwgs.models.family.FamilyQC as JSON): relatedness, sex, Mendelian errors, depth."""
    return f"{family_dir(family_id, root)}/qc/{family_id}.family_qc.json"


# --- structural and copy-number variants: results/<sample>/sv/ (issue 17) ---------------------------------


def sv_dir(sample: str, root: str = RESULTS) -> str:
    return f"{root}/{sample}/sv"


def sv_vcf(sample: str, stage: str = "sv", root: str = RESULTS) -> str:
    """<sample>.<stage>.vcf.gz: delly, tiddit, cnvkit (each caller's own calls) and sv (merged, filtered:
    the contract in clinwgs.models.structural)."""
    return f"{sv_dir(sample, root)}/{sample}.{stage}.vcf.gz"


def sv_part(sample: str, caller: str, name: str, root: str = RESULTS) -> str:
    """A caller's working files: results/<sample>/sv/<caller>/<name> (delly per type, cnvkit segments)."""
    return f"{sv_dir(sample, root)}/{caller}/{name}"
