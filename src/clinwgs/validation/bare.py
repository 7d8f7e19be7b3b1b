"""The same caller run bare on a BAM: one region, the workflow's caller settings, no scatter, no
normalisation, no filters.

This is the reference point for ΔF1 (workflow calls vs the caller's own output on the same alignments).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from clinwgs.calling.commands import caller_command
from clinwgs.core.errors import ClinwgsError
from clinwgs.validation.records import Regions

FLANK_BP = 1000


def span_regions(bed: Path, truth: Path | None = None, lengths: dict[str, int] | None = None) -> list[str]:
    """One 'chrom:start1-end1' per contig covering the BED's intervals (and the truth VCF's records, so that
    recall against all truth records is comparable) plus FLANK_BP either side, clipped to ``lengths``
    (FreeBayes refuses a region past the contig's end)."""
    spans: dict[str, tuple[int, int]] = {}

    def add(chrom: str, start0: int, end0: int) -> None:
        old = spans.get(chrom, (start0, end0))
        spans[chrom] = (min(old[0], start0), max(old[1], end0))

    for line in bed.read_text().splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith(("#", "track", "browser")):
            add(fields[0], int(fields[1]), int(fields[2]))
    if truth is not None:
        out = subprocess.run(["bcftools", "query", "-f", "%CHROM\t%POS0\t%END\n", str(truth)],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            chrom, start0, end1 = line.split("\t")
            add(chrom, int(start0), int(end1))
    lengths = lengths or {}
    return [f"{c}:{max(1, s - FLANK_BP + 1)}-{min(e + FLANK_BP, lengths.get(c, e + FLANK_BP))}"
            for c, (s, e) in spans.items()]


def contig_lengths(fasta: Path) -> dict[str, int]:
    """Contig lengths from the FASTA's .fai."""
    fai = Path(f"{fasta}.fai")
    rows = [line.split("\t") for line in fai.read_text().splitlines() if line] if fai.is_file() else []
    return {r[0]: int(r[1]) for r in rows}


def plain_fasta(fasta: Path, folder: Path) -> Path:
    """FreeBayes reads only uncompressed FASTA: decompress a bgzipped one next to the bare calls."""
    if not fasta.name.endswith(".gz"):
        return fasta
    out = folder / fasta.name.removesuffix(".gz")
    if not out.is_file():
        tmp = out.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            subprocess.run(["bgzip", "-dc", str(fasta)], stdout=handle, check=True)
        tmp.rename(out)
        subprocess.run(["samtools", "faidx", str(out)], check=True)
    return out


def bare_commands(caller: str, alignment: Path, fasta: Path, region: str, out: Path) -> str:
    """The workflow's caller command (clinwgs.calling.commands, the same settings) over one region."""
    return caller_command(caller, fasta, alignment, out, region=region)


def bare_calls(caller: str, alignment: Path, fasta: Path, bed: Path, folder: Path,
               truth: Path | None = None) -> dict[str, Any]:
    """Call ``alignment`` bare over the BED's (and truth's) span; return {'vcf': path, 'commands': [...]}."""
    folder.mkdir(parents=True, exist_ok=True)
    Regions.from_bed(bed)  # refuse a malformed BED before calling
    ref = plain_fasta(fasta, folder) if caller == "freebayes" else fasta
    parts, commands = [], []
    for i, region in enumerate(span_regions(bed, truth, contig_lengths(fasta))):
        part = folder / f"bare.{i}.vcf.gz"
        command = bare_commands(caller, alignment, ref, region, part)
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True,
                              check=False, env=no_remote_reference(folder))
        if proc.returncode != 0:
            raise ClinwgsError(f"bare {caller} failed: {proc.stderr.strip()[-500:]}", path=alignment)
        parts.append(part)
        commands.append(command)
    vcf = folder / f"bare.{caller}.vcf.gz"
    subprocess.run(["bcftools", "concat", "-Oz", "-o", str(vcf), *map(str, parts)], check=True,
                   capture_output=True)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(vcf)], check=True)
    return {"vcf": vcf, "commands": commands}


def no_remote_reference(folder: Path) -> dict[str, str]:
    """Environment in which htslib never fetches a CRAM reference from a remote registry."""
    return {**os.environ, "REF_PATH": str(folder / "%2s/%2s/%s"), "REF_CACHE": str(folder / "%2s/%2s/%s")}
