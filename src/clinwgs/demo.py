"""`clinwgs demo`: prepare the demo (simulate positive control PC001 if absent) and run the whole workflow.

Demo samples (config/samples.tsv): PC001 (simulated, BRCA1 c.68_69delAG het), HG00096/HG00099/HG00101
(1000 Genomes BAMs, reused), NA12878 (GIAB chr20 FASTQ, GRCh37). Outputs go to results/<sample>/.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from clinwgs.runner import REPO_ROOT, run_workflow

PC001_PREFIX = Path("resources/demo/PC001")


def ensure_positive_control(repo: Path) -> Path:
    """Simulate PC001's reads (seeded) unless both FASTQs exist; returns the R1 path."""
    r1 = repo / f"{PC001_PREFIX}.R1.fastq.gz"
    r2 = repo / f"{PC001_PREFIX}.R2.fastq.gz"
    if not (r1.is_file() and r2.is_file()):
        from clinwgs.simulate import simulate_positive_control

        print(f"clinwgs demo: simulating positive control PC001 -> {PC001_PREFIX}.R1/R2.fastq.gz", flush=True)
        simulate_positive_control(repo, repo / PC001_PREFIX)
    return r1


def summary(repo: Path, samples: list[str]) -> str:
    lines = ["", "clinwgs demo: outputs"]
    for sample in samples:
        vcf = repo / "results" / sample / "vcf" / f"{sample}.annotated.vcf.gz"
        state = "ok" if vcf.is_file() else "MISSING"
        lines.append(f"  {sample:8s} results/{sample}/  (annotated VCF: {state})")
    lines.append("  QC report: results/multiqc/multiqc_report.html")
    return "\n".join(lines)


def cli_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="clinwgs demo", description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--aligner", choices=["bwa", "minimap2"], help="override config.yaml (default: bwa)")
    args = ap.parse_args(argv)
    os.chdir(REPO_ROOT)
    start = time.monotonic()
    ensure_positive_control(REPO_ROOT)
    extra = ["--config", f"aligner={args.aligner}"] if args.aligner else []
    status = run_workflow(Path("config/config.yaml"), args.cores, extra)
    from clinwgs.config import load_config

    samples = list(load_config(Path("config/config.yaml")).samples)
    print(summary(REPO_ROOT, samples))
    print(f"clinwgs demo: finished with status {status} in {time.monotonic() - start:.0f} s")
    return status
