"""Bring a VCF into the form both sides are compared in.

Steps (each a real bcftools call, streamed through pipes):
1. keep the chosen sample only, drop ALT alleles its genotype does not carry and, for a query, keep
   PASS/'.' records only (unless asked otherwise);
2. ``bcftools norm -f REF --check-ref e``: left-align and trim indels, fail when a REF base disagrees with
   the reference. Records are NOT split or decomposed: a multi-allelic record stays one record (counted
   once, as hap.py/vcfeval count), and MNPs/complex records are compared as the haplotypes they produce;
3. sort.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import IO

from clinwgs.core.errors import InputIntegrityError, ReferenceMismatchError


def vcf_samples(vcf: Path) -> list[str]:
    """Sample names in a VCF header (bcftools query -l)."""
    proc = subprocess.run(["bcftools", "query", "-l", str(vcf)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise InputIntegrityError(f"not a readable VCF: {proc.stderr.strip()}", path=vcf)
    return [line for line in proc.stdout.splitlines() if line]


def vcf_contigs(vcf: Path) -> set[str]:
    """Contig names used by the records of a VCF."""
    proc = subprocess.run(["bcftools", "query", "-f", "%CHROM\n", str(vcf)], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise InputIntegrityError(f"not a readable VCF: {proc.stderr.strip()}", path=vcf)
    return set(proc.stdout.split())


def fasta_contigs(reference: Path) -> set[str]:
    """Contig names of an indexed FASTA (.fai)."""
    fai = Path(f"{reference}.fai")
    if not fai.is_file():
        raise InputIntegrityError("reference FASTA has no .fai index (run samtools faidx)", path=reference)
    return {line.split("\t", 1)[0] for line in fai.read_text().splitlines() if line}


def choose_sample(vcf: Path, wanted: str | None) -> str:
    """The sample to compare: the one asked for, or the only one in the file."""
    samples = vcf_samples(vcf)
    if wanted is not None:
        if wanted not in samples:
            raise InputIntegrityError(f"sample {wanted!r} not in VCF (has: {', '.join(samples) or 'none'})",
                                      path=vcf, sample=wanted)
        return wanted
    if len(samples) != 1:
        raise InputIntegrityError(
            f"VCF has {len(samples)} samples ({', '.join(samples[:5])}); choose one with --*-sample",
            path=vcf)
    return samples[0]


def check_contigs(vcf: Path, reference: Path) -> None:
    """Refuse a VCF whose records sit on contigs the reference lacks (e.g. '20' against 'chr20')."""
    missing = sorted(vcf_contigs(vcf) - fasta_contigs(reference))
    if missing:
        raise ReferenceMismatchError(
            f"VCF contigs not in reference {reference}: {', '.join(missing[:5])} (contig naming differs?)",
            path=vcf)


def normalise_vcf(vcf: Path, reference: Path, sample: str, out: Path, *, pass_only: bool) -> list[str]:
    """Write the canonical form of ``vcf`` to ``out`` (bgzipped, indexed); return the commands run."""
    view = ["bcftools", "view", "--no-version", "-s", sample, "--trim-alt-alleles", "-Ou"]
    if pass_only:
        view += ["-f", "PASS,."]
    commands = [
        view + [str(vcf)],
        ["bcftools", "norm", "--no-version", "-f", str(reference), "--check-ref", "e", "-Ou"],
        ["bcftools", "sort", "-Oz", "-o", str(out)],
    ]
    _run_pipeline(commands, vcf)
    idx = subprocess.run(["bcftools", "index", "-f", "-t", str(out)], capture_output=True, text=True,
                         check=False)
    if idx.returncode != 0:
        raise InputIntegrityError(f"could not index normalised VCF: {idx.stderr.strip()}", path=out)
    return [" ".join(c) for c in commands]


def _run_pipeline(commands: list[list[str]], source: Path) -> None:
    """Run ``commands`` as a shell-free pipe; raise naming ``source`` when any step fails."""
    procs: list[tuple[list[str], subprocess.Popen[bytes], IO[bytes]]] = []
    upstream: IO[bytes] | None = None
    for cmd in commands:
        err: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, after the pipe ends)
        proc = subprocess.Popen(cmd, stdin=upstream, stdout=subprocess.PIPE, stderr=err)
        if upstream is not None:
            upstream.close()
        upstream = proc.stdout
        procs.append((cmd, proc, err))
    if upstream is not None:
        upstream.close()
    for cmd, proc, err in procs:
        proc.wait()
        err.seek(0)
        message = err.read().decode(errors="replace").strip()
        err.close()
        if proc.returncode != 0:
            if "not match the reference" in message or "Reference allele mismatch" in message:
                raise ReferenceMismatchError(f"REF allele disagrees with the reference: {message}",
                                             path=source)
            raise InputIntegrityError(f"{' '.join(cmd[:3])} failed: {message}", path=source)
