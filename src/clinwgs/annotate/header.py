"""Shell pipelines for the annotate stage, built from a bundle (so the INFO-key contract lives in one place).

INFO keys written (docs/architecture.md): BCSQ (bcftools csq), CLNSIG, CLNREVSTAT, CLNDN, CLNHGVS, CLNVID
(ClinVar ID column), POP_AF_<NAME> for each population AF file (POP_AF_EXAC, POP_AF_1KG).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from clinwgs.config.load import Filters
from clinwgs.reference.bundles import Bundle

CLINVAR_KEYS = ("CLNSIG", "CLNREVSTAT", "CLNDN", "CLNHGVS")
CLNVID_HEADER = (
    '##INFO=<ID=CLNVID,Number=1,Type=String,Description="ClinVar record ID column (rsID or VariationID)">'
)
CSQ_SKIPPED_HEADER = "##clinwgs_csq=skipped: reference bundle {name} has no gene models (GFF3)"


def filter_pipeline(vcf_in: str, vcf_out: str, filters: Filters) -> str:
    """Hard filters as FILTER flags (records kept): LowQual, LowDP, LowGQ."""
    steps = [
        ("LowQual", f"QUAL<{filters.min_qual}"),
        ("LowDP", f"INFO/DP<{filters.min_depth}"),
        ("LowGQ", f"FMT/GQ<{filters.min_gq}"),
    ]
    parts = [f"bcftools filter -m+ -s {name} -e {shlex.quote(expr)} -Ou" for name, expr in steps]
    parts[0] += f" {shlex.quote(vcf_in)}"
    parts[-1] = parts[-1].replace("-Ou", f"-Oz -o {shlex.quote(vcf_out)}")
    return " | ".join(parts)


def annotation_steps(bundle: Bundle, fasta: str) -> list[str]:
    """bcftools commands, each reading one indexed file (appended by the caller) and writing BCF.

    bcftools 1.16 `annotate -a` needs an indexed input, so steps run one after another on temp files."""
    steps = []
    if bundle.files.gff3 is not None:
        gff = shlex.quote(str(bundle.files.gff3.path))
        steps.append(f"bcftools csq -l -p a -f {shlex.quote(fasta)} -g {gff}")
    if bundle.files.clinvar is not None:
        columns = ",".join([f"INFO/{k}" for k in CLINVAR_KEYS] + ["INFO/CLNVID:=ID"])
        steps.append(f"bcftools annotate -a {shlex.quote(str(bundle.files.clinvar.path))} -c {columns}")
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


def annotate_pipeline(bundle: Bundle, vcf_in: str, vcf_out: str, fasta: str, header_file: str) -> str:
    """Full annotate command: header lines -> csq -> ClinVar -> population AF -> bgzip VCF.

    Intermediate BCFs are written next to the output as <out>.stepN.bcf and removed at the end."""
    commands = [f"bcftools annotate -h {shlex.quote(header_file)}"] + annotation_steps(bundle, fasta)
    lines = []
    previous = shlex.quote(vcf_in)
    for number, command in enumerate(commands):
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
    """Write the extra header lines under a temp name, then rename."""
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(annotation_header(bundle), encoding="utf-8")
    tmp.replace(out)
