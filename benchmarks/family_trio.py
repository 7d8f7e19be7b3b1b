#!/usr/bin/env python3
"""Family analysis on the SIMULATED BRCA1 trio (issue 16): de novo recall, false de novo calls per Mb,
Mendelian-error rate, relatedness, and the CPU cost of joint calling against three single-sample runs.

    .venv/bin/python benchmarks/family_trio.py --work /tmp/family_bench [--repeats 3] [--swap father]

It simulates the trio with clinwgs.validation.simulate_trio.simulate_brca1_trio (seed 16, 30x; planted
ClinVar de novo SNV + indel, compound het, homozygous), runs the real workflow (this checkout's Snakefile,
minimap2) to the family QC, the de novo VCF and each member's raw single-sample calls, and prints one
``figure<TAB>value`` line per measurement. Cost: the exact calling commands of rules/call.smk and
rules/family.smk (bcftools mpileup | call over the same scatter chunks) re-run --repeats times, CPU seconds
(user+sys of the children, resource.getrusage) summed over chunks; joint / (sum of three single runs).
Reads nothing under /work/shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pysam
import yaml

from clinwgs.core import layout
from clinwgs.validation.simulate_trio import DEMO_TRIO, simulate_brca1_trio

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "reference" / "GRCh38_BRCA1"


def write_run(work: Path, sim_dir: Path) -> Path:
    ids = DEMO_TRIO
    header = "\t".join(
        [
            "sample_id",
            "sex",
            "test_code",
            "consent_additional_findings",
            "reference",
            "family_id",
            "relation",
            "father",
            "mother",
            "affected",
        ]
    )
    rows = [
        f"{ids.proband}\tfemale\tR208\tno\tGRCh38_BRCA1\tFAM001\tproband\t{ids.father}\t{ids.mother}\taffected",
        f"{ids.father}\tmale\tR208\tno\tGRCh38_BRCA1\tFAM001\tfather\t\t\tunaffected",
        f"{ids.mother}\tfemale\tR208\tno\tGRCh38_BRCA1\tFAM001\tmother\t\t\tunaffected",
    ]
    (work / "samples.tsv").write_text("\n".join([header, *rows]) + "\n")
    units = ["sample_id\tunit_id\tplatform\tfq1\tfq2\tbam"] + [
        f"{s}\tL1\tILLUMINA\t{sim_dir}/{s}.R1.fastq.gz\t{sim_dir}/{s}.R2.fastq.gz\t"
        for s in (ids.proband, ids.father, ids.mother)
    ]
    (work / "units.tsv").write_text("\n".join(units) + "\n")
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg.update(
        samples="samples.tsv",
        units="units.tsv",
        bundles={"GRCh38_BRCA1": str(BUNDLE / "manifest.yaml")},
        aligner="minimap2",
        interpret={"panels": str(ROOT / "config" / "panels.yaml")},
        report={"templates": str(ROOT / "reports")},
        input_roots=[str(sim_dir)],
    )
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def targets() -> list[str]:
    ids = DEMO_TRIO
    return [
        layout.family_qc("FAM001"),
        layout.family_vcf("FAM001", "denovo"),
        *(layout.raw_calls(s) for s in (ids.proband, ids.father, ids.mother)),
    ]


def cpu_of(command: str, cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["bash", "-c", command], cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cost(work: Path, repeats: int) -> tuple[float, float]:
    ids = DEMO_TRIO
    res = next((work / "resources" / "GRCh38_BRCA1").iterdir())
    fasta, chunks = res / "genome.fa.gz", sorted((res / "scatter").glob("*.bed"))
    members = [ids.proband, ids.father, ids.mother]
    rg = work / layout.family_read_groups("FAM001")
    single = joint = 0.0
    for _ in range(repeats):
        for bed in chunks:
            for s in members:
                single += cpu_of(
                    f"bcftools mpileup -f {fasta} -R {bed} -a FORMAT/AD,FORMAT/DP -Ou "
                    f"{layout.alignment(s, 'bam')} | bcftools call -m -v -a GQ -Oz -o /dev/null",
                    work,
                )
            alns = " ".join(layout.alignment(s, "bam") for s in members)
            joint += cpu_of(
                f"bcftools mpileup -f {fasta} -R {bed} -G {rg} -a FORMAT/AD,FORMAT/DP,FORMAT/QS -Ou "
                f"{alns} | bcftools call -m -v -a GQ -Oz -o /dev/null",
                work,
            )
    return joint / repeats, single / repeats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    sim = simulate_brca1_trio(ROOT, work / "sim")
    config = write_run(work, work / "sim")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(ROOT / "Snakefile"),
            "--configfile",
            str(config),
            "-c",
            str(args.cores),
            *targets(),
            "--quiet",
            "rules",
        ],
        cwd=work,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    planted = {(v.pos1, v.ref, v.alt): v.kind for v in sim.variants if v.kind != "background"}
    de_novo = {k for k, kind in planted.items() if kind.startswith("de_novo")}
    calls = {}
    with pysam.VariantFile(str(work / layout.family_vcf("FAM001", "denovo"))) as vcf:
        for rec in vcf:
            key = (rec.pos, rec.ref, (rec.alts or ("",))[0])
            calls[key] = {s: rec.samples[s]["GT"] for s in vcf.header.samples}
            calls[key]["candidate"] = bool(rec.info.get("DNM_CANDIDATE"))
    found = [k for k in de_novo if calls.get(k, {}).get("candidate")]
    false = [k for k, c in calls.items() if c["candidate"] and k not in de_novo]
    analysable = sum(
        int(e) - int(s)
        for _, s, e in (
            ln.split()[:3]
            for ln in (BUNDLE / "GRCh38_BRCA1.regions.bed").read_text().splitlines()
            if ln.strip()
        )
    )
    print(f"planted de novo found\t{len(found)} of {len(de_novo)}")
    print(
        f"false de novo candidates\t{len(false)} over {analysable:,} bp = "
        f"{len(false) / analysable * 1e6:.1f} per Mb"
    )
    for key, kind in sorted(planted.items()):
        gts = calls.get(key)
        shown = (
            ", ".join(f"{s} {'/'.join(map(str, g))}" for s, g in gts.items() if s != "candidate")
            if gts
            else "not called"
        )
        print(f"{kind} {key[0]} {key[1]}>{key[2]}\t{shown}")
    qc = json.loads((work / layout.family_qc("FAM001")).read_text())
    print(f"family QC status\t{qc['status']}")
    for check in qc["checks"]:
        if check["name"] in {"relatedness", "mendelian_errors", "depth"}:
            print(f"{check['name']} {check['subject']}\t{check['measured']} ({check['status']})")
    joint, single = cost(work, args.repeats)
    print(
        f"calling CPU s (mean of {args.repeats})\tjoint {joint:.2f}, three single-sample {single:.2f}, "
        f"ratio {joint / single:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
