"""Shell pipelines for the annotate stage, built from a bundle (so the INFO-key contract lives in one place).

INFO keys written (docs/architecture.md): BCSQ (bcftools csq), ANN (SnpEff, HGVS c./p. names), CLNSIG,
CLNREVSTAT, CLNDN, CLNHGVS, CLNVID (ClinVar ID column), CLNACC (the ClinVar RCV accessions of the exact
allele),
CLNRSALL (every dbSNP ID ClinVar lists for the allele), POP_AF_<NAME> for each population AF file
(POP_AF_EXAC,
POP_AF_1KG).

ClinVar is matched on the exact allele (``--pair-logic exact``) against a prepared copy of the bundle's file
(``clinwgs.interpret.clinvar_prep``: normalised, one record per allele), so a record is never annotated with a
neighbouring allele's record or with the first of several records for the same allele.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from clinwgs.config.load import Filters
from clinwgs.core.io import write_text_atomic
from clinwgs.reference.bundles import Bundle

CLINVAR_KEYS = ("CLNSIG", "CLNREVSTAT", "CLNDN", "CLNHGVS", "CLNACC", "CLNRSALL")
DEBIAN_SNPEFF_JAR = Path("/usr/share/java/snpeff.jar")
CLNVID_HEADER = (
    '##INFO=<ID=CLNVID,Number=1,Type=String,Description="ClinVar record ID column (rsID or VariationID)">'
)
CSQ_SKIPPED_HEADER = "##clinwgs_csq=skipped: reference bundle {name} has no gene models (GFF3)"


# FILTER name -> (threshold in Filters, bcftools expression failing a record with "{t}" for the threshold,
# whether the step is always written even when switched off)
FILTER_STEPS = (
    ("LowQual", "min_qual", "QUAL<{t}", True),
    ("LowDP", "min_depth", "INFO/DP<{t}", True),
    ("LowGQ", "min_gq", "FMT/GQ<{t}", True),
    # the ALT fraction of the sample's reads (records are split, AD is REF,ALT); no reads -> not filtered
    ("LowAB", "min_allele_balance", "FMT/AD[0:0]+FMT/AD[0:1]>0 && FMT/AD[0:1]/(FMT/AD[0:0]+FMT/AD[0:1])<{t}",
     False),
)


def filter_expression(filters: Filters, name: str, template: str) -> str | None:
    """The bcftools expression for one threshold: one expression when SNVs and indels share it, else one per
    type (``TYPE="indel"`` or not); None when it is 0 (off) for both."""
    snv, indel = filters.threshold(name, "snv"), filters.threshold(name, "indel")
    if snv == indel:
        return template.format(t=snv) if snv else None
    parts = [f'(TYPE{op}"indel" && {template.format(t=t)})'
             for op, t in (("!=", snv), ("=", indel)) if t]
    return " || ".join(parts) or None


def filter_pipeline(vcf_in: str, vcf_out: str, filters: Filters) -> str:
    """Hard filters as FILTER flags (records kept): LowQual, LowDP, LowGQ, and LowAB when set; each with its
    per-type thresholds (``filters.snv`` / ``filters.indel``) where they differ. Input records are split
    (one ALT each), as the workflow's normalisation writes them."""
    steps = []
    for name, key, template, always in FILTER_STEPS:
        expression = filter_expression(filters, key, template)
        if expression is None and always:
            expression = template.format(t=getattr(filters, key))
        if expression is not None:
            steps.append((name, expression))
    parts = [f"bcftools filter -m+ -s {name} -e {shlex.quote(expr)} -Ou" for name, expr in steps]
    parts[0] += f" {shlex.quote(vcf_in)}"
    parts[-1] = parts[-1].replace("-Ou", f"-Oz -o {shlex.quote(vcf_out)}")
    return " | ".join(parts)


@dataclass(frozen=True)
class SnpEffDb:
    """A SnpEff database built by the workflow (rules/ref.smk: build_snpeff_db): its config file and the
    genome name inside it."""

    config: str
    genome: str


def snpeff_command() -> str:
    """How to start SnpEff: Debian's jar through java (Debian's ``snpEff`` wrapper echoes part of its own
    command line to stdout, which would corrupt the VCF), else the ``snpEff`` of the environment
    (bioconda)."""
    if DEBIAN_SNPEFF_JAR.is_file() and not os.environ.get("CONDA_PREFIX"):
        return f"java -Xmx2g -jar {DEBIAN_SNPEFF_JAR}"
    return f"{shutil.which('snpEff') or 'snpEff'} -Xmx2g"


def snpeff_ann(db: SnpEffDb) -> str:
    """SnpEff ``ann`` reading VCF on stdin: offline (no download, no stats, no update check), HGVS 3'
    shift."""
    return (
        f"{snpeff_command()} ann -noLog -noStats -nodownload -noInteraction -c {shlex.quote(db.config)} "
        f"{shlex.quote(db.genome)} -"
    )


def annotation_steps(
    bundle: Bundle, fasta: str, snpeff: SnpEffDb | None = None, clinvar: str | None = None
) -> list[str]:
    """bcftools commands, each reading one indexed file (appended by the caller) and writing BCF.

    bcftools 1.16 `annotate -a` needs an indexed input, so steps run one after another on temp files.
    ``clinvar``: the prepared ClinVar file (exact-allele matching); without it, the bundle's file as is.
    A SnpEff step is written ``SNPEFF:<command>``: the caller pipes VCF text through it."""
    steps = []
    if bundle.files.gff3 is not None:
        gff = shlex.quote(str(bundle.files.gff3.path))
        steps.append(f"bcftools csq -l -p a -f {shlex.quote(fasta)} -g {gff}")
        if snpeff is not None:
            steps.append("SNPEFF:" + snpeff_ann(snpeff))
    if bundle.files.clinvar is not None:
        # CLNACC/CLNRSALL exist only in the prepared file
        keys = CLINVAR_KEYS if clinvar else CLINVAR_KEYS[:4]
        columns = ",".join([f"INFO/{k}" for k in keys] + ["INFO/CLNVID:=ID"])
        source = clinvar or str(bundle.files.clinvar.path)
        steps.append(f"bcftools annotate --pair-logic exact -a {shlex.quote(source)} -c {columns}")
    for pop in bundle.files.pop_af:
        column = f"INFO/POP_AF_{pop.name}:=INFO/{pop.info_field}"
        steps.append(f"bcftools annotate -a {shlex.quote(str(pop.path))} -c {column}")
    return steps


def annotation_header(bundle: Bundle) -> str:
    """Extra header lines: the CLNVID definition and, when csq is skipped, a line saying so."""
    lines = [CLNVID_HEADER]
    if bundle.files.gff3 is None:
        lines.append(CSQ_SKIPPED_HEADER.format(name=bundle.name))
    return "\n".join(lines) + "\n"


def annotate_pipeline(
    bundle: Bundle,
    vcf_in: str,
    vcf_out: str,
    fasta: str,
    header_file: str,
    snpeff: SnpEffDb | None = None,
    clinvar: str | None = None,
) -> str:
    """Full annotate command: header lines -> csq -> SnpEff -> ClinVar -> population AF -> bgzip VCF.

    Intermediate BCFs are written next to the output as <out>.stepN.bcf and removed at the end."""
    commands = [f"bcftools annotate -h {shlex.quote(header_file)}"] + annotation_steps(
        bundle, fasta, snpeff, clinvar
    )
    commands = [
        f"bcftools view -Ov {{prev}} | {c.removeprefix('SNPEFF:')} | bcftools view" if c.startswith("SNPEFF:")
        else c
        for c in commands
    ]
    lines = []
    previous = shlex.quote(vcf_in)
    for number, command in enumerate(commands):
        if "{prev}" in command:
            command, previous = command.replace("{prev}", previous), ""
        if number == len(commands) - 1:
            lines.append(f"{command} -Oz -o {shlex.quote(vcf_out)} {previous}")
            break
        step = shlex.quote(f"{vcf_out}.step{number}.bcf")
        lines.append(f"{command} -Ob -o {step} {previous} && bcftools index -f {step}")
        previous = step
    temps = " ".join(shlex.quote(f"{vcf_out}.step{n}.bcf{ext}") for n in range(len(commands) - 1)
                     for ext in ("", ".csi"))
    if temps:
        lines.append(f"rm -f {temps}")
    return " && ".join(lines)


def write_header(bundle: Bundle, out: Path) -> None:
    """Write the extra header lines (atomically)."""
    write_text_atomic(out, annotation_header(bundle))


def prepare_snpeff_inputs(gff3: Path, fasta_bgzf: Path, db_dir: Path, genome: str) -> Path:
    """Lay out a SnpEff database folder for ``snpEff build -gff3``; returns its config file.

    The GFF3's ``ID``/``Parent`` values lose their ``gene:``/``transcript:`` prefixes, so SnpEff names
    transcripts as the bundle's ``transcripts`` table does. The FASTA is linked (not copied) in as
    ``sequences.fa.gz``; the caller removes it after the build."""
    data = db_dir / "data" / genome
    data.mkdir(parents=True, exist_ok=True)
    prefixed = re.compile(r"\b(ID|Parent)=(gene|transcript):")
    with gff3.open(encoding="utf-8") as src, (data / "genes.gff").open("w", encoding="utf-8") as out:
        for line in src:
            out.write(prefixed.sub(r"\1=", line))
    sequences = data / "sequences.fa.gz"
    sequences.unlink(missing_ok=True)
    sequences.symlink_to(fasta_bgzf.resolve())
    config = db_dir / "snpEff.config"
    write_text_atomic(config, f"data.dir = ./data/\n{genome}.genome : {genome}\n")
    return config
