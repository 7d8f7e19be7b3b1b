"""`clinwgs simulate`: seeded simulated paired reads with known variants (positive controls, benchmarks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinwgs.validation.simulate import SimParams, check_params, parse_region, simulate
from clinwgs.validation.simulate_sv import parse_sizes, sv_variants


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="clinwgs simulate", description=__doc__.split("\n", 1)[0])
    ap.add_argument("--reference", required=True, type=Path, help="indexed FASTA (.fai; .gzi when bgzipped)")
    ap.add_argument("--region", required=True, help="CHROM:START-END, 1-based inclusive")
    ap.add_argument("--variants", type=Path, help="VCF with the sample's genotypes (omit: reference only)")
    ap.add_argument("--vcf-sample", help="genotype column to use (default: --sample-id, or the only one)")
    ap.add_argument("--sample-id", required=True, help="pseudonymous sample ID written into read names")
    ap.add_argument(
        "--out-prefix", required=True, type=Path, help="writes PREFIX.R1/R2.fastq.gz, PREFIX.truth.vcf"
    )
    ap.add_argument("--depth", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--read-length", type=int, default=150)
    ap.add_argument("--insert-mean", type=float, default=350.0)
    ap.add_argument("--insert-sd", type=float, default=50.0)
    ap.add_argument("--error-rate", type=float, default=0.001)
    ap.add_argument(
        "--sv", type=Path, help="BED of structural variants: chrom, start, end, DEL|DUP|INV [, 0|1 [, ID]]"
    )
    ap.add_argument("--random-svs", type=int, default=0, help="add N random SVs (seeded by --seed)")
    ap.add_argument("--sv-sizes", default="50-300,300-1000,1000-10000,10000-100000", help="size bins (bp)")
    ap.add_argument("--sv-types", default="DEL,DUP,INV", help="types of the random SVs, in turn")
    return ap


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    params = SimParams(
        args.depth, args.seed, args.read_length, args.insert_mean, args.insert_sd, args.error_rate
    )
    check_params(params, args.sample_id)
    structural = None
    if args.sv or args.random_svs:
        types = tuple(t.strip().upper() for t in args.sv_types.split(","))
        structural = sv_variants(args.sv, args.random_svs, args.seed, parse_sizes(args.sv_sizes), types)
    result = simulate(
        args.reference,
        parse_region(args.region),
        args.variants,
        args.sample_id,
        args.out_prefix,
        params,
        args.vcf_sample,
        structural,
    )
    print(
        f"{args.sample_id}: {result.pairs} read pairs over {args.region} at {params.depth}x "
        f"(seed {params.seed}); {result.applied} variants applied, {result.skipped} skipped -> "
        f"{result.r1}, {result.r2}, {result.truth_vcf}"
    )
    if args.variants and result.applied == 0:
        print(
            f"clinwgs simulate: warning: no variant of {args.variants} was put into the reads "
            f"(none with a non-reference genotype inside {args.region})",
            file=sys.stderr,
        )
    return 0
