#!/usr/bin/env python3
"""How Snakemake's dry-run (DAG) time grows with the cohort, one DAG versus per-batch invocations.

    .venv/bin/python benchmarks/dag_scaling.py --sizes 1 100 1000 --batch-size 20 --out benchmarks/out/dag.tsv

For each size N it writes a samples/units sheet of N pseudonymous samples (S00001...; half FASTQ units on
the GRCh37_chr20 bundle, half BAM units on GRCh38_BRCA1, all pointing at the repository's demo reads), then
times `snakemake -n` of the real workflow (repository Snakefile and config/config.yaml) on
  single: all N samples in one invocation (one DAG), and
  batch:  one invocation of --batch-size samples (what `clinwgs run` does per batch: constant DAG).
It prints one TSV row per measurement: mode, samples, jobs, wall and CPU seconds (user+sys of the snakemake
process: on a shared machine CPU time is the steadier figure). Run it from the repository root.
"""

from __future__ import annotations

import argparse
import csv
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_COLS = [
    "sample_id",
    "sex",
    "test_code",
    "consent_additional_findings",
    "reference",
    "family_id",
    "relation",
]
UNIT_COLS = [
    "sample_id",
    "unit_id",
    "platform",
    "fq1",
    "fq2",
    "bam",
    "fq1_sha256",
    "fq2_sha256",
    "bam_sha256",
]


def template_units(units_tsv: Path) -> dict[str, dict[str, str]]:
    """The demo units to copy: a FASTQ one (NA12878) and a BAM one (HG00096)."""
    with units_tsv.open(newline="") as handle:
        rows = {r["sample_id"]: r for r in csv.DictReader(handle, delimiter="\t")}
    return {"fastq": rows["NA12878"], "bam": rows["HG00096"]}


def write_sheets(n: int, out: Path, templates: dict[str, dict[str, str]]) -> tuple[Path, Path]:
    samples, units = out / f"samples.{n}.tsv", out / f"units.{n}.tsv"
    bundle = {"fastq": "GRCh37_chr20", "bam": "GRCh38_BRCA1"}
    with samples.open("w", newline="") as s, units.open("w", newline="") as u:
        sw = csv.DictWriter(s, SAMPLE_COLS, delimiter="\t", lineterminator="\n")
        uw = csv.DictWriter(u, UNIT_COLS, delimiter="\t", lineterminator="\n")
        sw.writeheader()
        uw.writeheader()
        for i in range(1, n + 1):
            kind = "fastq" if i % 2 else "bam"
            sid = f"S{i:05d}"
            sw.writerow({"sample_id": sid, "sex": "female", "test_code": "R208",
                         "consent_additional_findings": "no", "reference": bundle[kind]})  # fmt: skip
            uw.writerow({**{k: templates[kind].get(k, "") for k in UNIT_COLS}, "sample_id": sid})
    return samples, units


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_dry_run(samples: Path, units: Path) -> tuple[int, float, float]:
    """(jobs, wall seconds, CPU seconds) of one `snakemake -n` (per-job lines not printed)."""
    cmd = [sys.executable, "-m", "snakemake", "-n", "--quiet", "rules", "--cores", "1", "--config",
           f"samples={samples}", f"units={units}"]  # fmt: skip
    start, cpu = time.perf_counter(), _child_cpu()
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds, cpu_seconds = time.perf_counter() - start, _child_cpu() - cpu
    if run.returncode != 0:
        sys.exit(f"dry-run failed for {samples}:\n{run.stderr[-3000:]}")
    total = re.search(r"^total\s+(\d+)", run.stdout + run.stderr, flags=re.MULTILINE)
    return (int(total.group(1)) if total else -1), seconds, cpu_seconds


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    p.add_argument("--batch-size", type=int, default=20)
    p.add_argument("--units", type=Path, default=ROOT / "config" / "units.tsv", help="demo units to copy")
    p.add_argument("--out", type=Path, default=None, help="also write the TSV here")
    args = p.parse_args(argv)
    templates = template_units(args.units)
    rows = [("mode", "samples", "jobs", "wall_s", "cpu_s")]
    with tempfile.TemporaryDirectory(prefix="dag_scaling.") as tmp:
        for n in args.sizes:
            jobs, seconds, cpu = time_dry_run(*write_sheets(n, Path(tmp), templates))
            rows.append(("single", str(n), str(jobs), f"{seconds:.2f}", f"{cpu:.2f}"))
            print("\t".join(rows[-1]), flush=True)
        jobs, seconds, cpu = time_dry_run(*write_sheets(args.batch_size, Path(tmp), templates))
        rows.append(("batch", str(args.batch_size), str(jobs), f"{seconds:.2f}", f"{cpu:.2f}"))
        print("\t".join(rows[-1]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join("\t".join(r) for r in rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
