"""The same caller run bare on a BAM: one region, default settings, no scatter, no normalisation, no filters.

This is the reference point for ΔF1 (workflow calls vs the caller's own output on the same alignments).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

from clinwgs.benchmark.records import Regions
from clinwgs.errors import ClinwgsError

FLANK_BP = 1000


def span_regions(bed: Path) -> list[str]:
    """One 'chrom:start1-end1' per contig covering the BED's intervals plus FLANK_BP either side."""
    spans: dict[str, tuple[int, int]] = {}
    for line in bed.read_text().splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or line.startswith(("#", "track", "browser")):
            continue
        start0, end0 = int(fields[1]), int(fields[2])
        old = spans.get(fields[0], (start0, end0))
        spans[fields[0]] = (min(old[0], start0), max(old[1], end0))
    return [f"{c}:{max(1, s - FLANK_BP + 1)}-{e + FLANK_BP}" for c, (s, e) in spans.items()]


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
    aln, ref, reg, vcf = (shlex.quote(str(x)) for x in (alignment, fasta, region, out))
    if caller == "freebayes":
        return f"freebayes -f {ref} -r {reg} {aln} | bgzip -c > {vcf}"
    return (f"bcftools mpileup -f {ref} -r {reg} -a FORMAT/AD,FORMAT/DP -Ou {aln}"
            f" | bcftools call -m -v -a GQ -Oz -o {vcf}")


def bare_calls(caller: str, alignment: Path, fasta: Path, bed: Path, folder: Path) -> dict[str, Any]:
    """Call ``alignment`` bare over the BED's span; return {'vcf': path, 'commands': [...]}."""
    folder.mkdir(parents=True, exist_ok=True)
    Regions.from_bed(bed)  # refuse a malformed BED before calling
    ref = plain_fasta(fasta, folder) if caller == "freebayes" else fasta
    parts, commands = [], []
    for i, region in enumerate(span_regions(bed)):
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
