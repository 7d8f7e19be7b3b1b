"""`clinwgs benchmark`: accuracy of a call set against a truth VCF in confident regions (docs/accuracy.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinwgs.validation.compare import compare, write_outputs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinwgs benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="truth VCF (bgzipped)")
    parser.add_argument("--query", type=Path, required=True, help="call set to assess (VCF/BCF)")
    parser.add_argument("--reference", type=Path, required=True, help="indexed reference FASTA")
    parser.add_argument("--bed", type=Path, required=True, help="confident regions BED")
    parser.add_argument("--out", type=Path, required=True, help="output folder for benchmark.json/.md/.html")
    parser.add_argument("--truth-sample", help="truth sample (default: the only one)")
    parser.add_argument("--query-sample", help="query sample (default: the only one)")
    parser.add_argument("--include-filtered", action="store_true",
                        help="score query records whatever their FILTER (default: PASS or '.' only)")
    parser.add_argument("--label", default="benchmark", help="name shown in the summary")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    result = compare(args.truth, args.query, args.reference, args.bed, truth_sample=args.truth_sample,
                     query_sample=args.query_sample, include_filtered=args.include_filtered, label=args.label)
    write_outputs(result, args.out)
    for kind, s in result["confident"].items():
        print(f"{kind.upper():5s} precision {s['precision']} ({s['tp_query']}/{s['query_total']}) "
              f"recall {s['recall']} ({s['tp_truth']}/{s['truth_total']}) F1 {s['f1']}")
    print(f"wrote {args.out}/benchmark.json, .md, .html")
    return 0
