"""Choose hard-filter thresholds from data: per variant type, the ROC of each annotation on one part of a
benchmark set (fit), checked on the rest (check).

Labels come from the comparator (`clinwgs benchmark` rules, docs/accuracy.md): a query record is TP, or
FP/genotype mismatch, inside the BED. Fitting is clinwgs.validation.roc (greedy single-feature thresholds).

usage (repository root):
  .venv/bin/python benchmarks/filter_roc.py --query CALLS.vcf.gz --truth T.vcf.gz --reference REF.fa.gz \
      --fit-bed FIT.bed --check-bed CHECK.bed --out OUT.json [--max-filters 3]
CALLS: the caller's records, unfiltered, split and left-aligned (`bcftools norm -f REF -m -any`).
Prints a Markdown table (per type: no filter, the fitted thresholds on fit and on check, and each feature's
best single threshold on fit) and writes the same as JSON. Reads only the files given.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from cyvcf2 import VCF

from clinwgs.validation.compare import compare_with_matching
from clinwgs.validation.records import Regions
from clinwgs.validation.roc import Feature, Labelled, Point, best, evaluate, fit, roc

# feature -> (direction, bcftools filter expression that FAILS a record, "{t}" = threshold)
FEATURES: dict[str, tuple[str, str]] = {
    "QUAL": ("above", "QUAL<{t}"),
    "DP": ("above", "INFO/DP<{t}"),
    "GQ": ("above", "FMT/GQ<{t}"),
    "AB": ("above", "FMT/AD[0:1]/(FMT/AD[0:0]+FMT/AD[0:1])<{t}"),
    # bcftools annotations
    "SP": ("below", "FMT/SP>{t}"),
    "MQBZ": ("above", "INFO/MQBZ<{t}"),
    "ABS_RPBZ": ("below", "abs(INFO/RPBZ)>{t}"),
    "SCBZ": ("below", "INFO/SCBZ>{t}"),
    "MQ0F": ("below", "INFO/MQ0F>{t}"),
    "VDB": ("above", "INFO/VDB<{t}"),
    "IMF": ("above", "INFO/IMF<{t}"),
    # FreeBayes annotations
    "SRP": ("below", "INFO/SRP>{t}"),
    "SAP": ("below", "INFO/SAP>{t}"),
    "EPP": ("below", "INFO/EPP>{t}"),
    "MQM": ("above", "INFO/MQM<{t}"),
}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "tolist"):  # numpy arrays and scalars from cyvcf2
        value = value.tolist()
    if isinstance(value, (tuple, list)):
        value = value[0] if value else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def record_values(vcf: Path) -> dict[tuple[str, int, str, tuple[str, ...]], dict[str, float | None]]:
    """(chrom, pos, ref, called ALTs) -> feature values, for every record of a one-sample VCF."""
    out: dict[tuple[str, int, str, tuple[str, ...]], dict[str, float | None]] = {}
    reader = VCF(str(vcf))
    fmt = {h["ID"] for h in reader.header_iter() if h["HeaderType"] == "FORMAT"}
    for v in reader:
        gt = v.genotypes[0][:-1]
        alleles = [v.REF, *v.ALT]
        alts = tuple(sorted({alleles[g] for g in gt if g is not None and g > 0}))
        values: dict[str, float | None] = {"QUAL": _number(v.QUAL), "DP": _number(v.INFO.get("DP"))}
        if "GQ" in fmt:
            values["GQ"] = _number(v.format("GQ")[0])
        if "AD" in fmt:
            ad = [int(x) for x in v.format("AD")[0]]
            usable = len(ad) >= 2 and min(ad[:2]) >= 0 and ad[0] + ad[1] > 0
            values["AB"] = ad[1] / (ad[0] + ad[1]) if usable else None
        if "SP" in fmt:
            values["SP"] = _number(v.format("SP")[0])
        for key in ("MQBZ", "SCBZ", "MQ0F", "VDB", "IMF", "SRP", "SAP", "EPP", "MQM"):
            values[key] = _number(v.INFO.get(key))
        rpbz = _number(v.INFO.get("RPBZ"))
        values["ABS_RPBZ"] = abs(rpbz) if rpbz is not None else None
        out[(v.CHROM, v.POS, v.REF, alts)] = values
    return out


def labelled(query: Path, truth: Path, reference: Path, bed: Path,
             values: dict[tuple[str, int, str, tuple[str, ...]], dict[str, float | None]],
             ) -> tuple[dict[str, list[Labelled]], dict[str, int], dict[str, float]]:
    """Per type: the labelled query records inside ``bed``, the truth totals, and the truth records per
    query TP record (roc.Point.weight)."""
    result, matching = compare_with_matching(truth, query, reference, bed, include_filtered=True)
    regions = Regions.from_bed(bed)
    records: dict[str, list[Labelled]] = {"snv": [], "indel": []}
    for call, outcome in matching.query.items():
        if regions.contains(call):
            found = values.get((call.chrom, call.pos1, call.ref, call.alts), {})
            records[call.kind].append(Labelled(outcome == "tp", found))
    confident = result["confident"]
    totals = {k: confident[k]["truth_total"] for k in ("snv", "indel")}
    weights = {k: confident[k]["tp_truth"] / confident[k]["tp_query"] if confident[k]["tp_query"] else 1.0
               for k in ("snv", "indel")}
    return records, totals, weights


def _row(name: str, point: Point) -> dict[str, Any]:
    return {"set": name, "tp": point.tp, "fp": point.fp, "truth_total": point.truth_total,
            "precision": round(point.precision, 5), "recall": round(point.recall, 5),
            "f1": round(point.f1, 5)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("query", "truth", "reference", "fit-bed", "check-bed", "out"):
        parser.add_argument(f"--{name}", type=Path, required=True)
    parser.add_argument("--max-filters", type=int, default=3)
    parser.add_argument("--current", default="QUAL=20,DP=8,GQ=20",
                        help="thresholds in use, shown on fit and check for comparison (NAME=VALUE,...)")
    args = parser.parse_args(argv)
    current = {k: float(v) for k, v in (item.split("=") for item in args.current.split(",") if item)}
    values = record_values(args.query)
    fit_records, fit_totals, fit_w = labelled(args.query, args.truth, args.reference, args.fit_bed, values)
    check_records, check_totals, check_w = labelled(args.query, args.truth, args.reference, args.check_bed,
                                                    values)
    report: dict[str, Any] = {"query": str(args.query), "fit_bed": str(args.fit_bed),
                              "check_bed": str(args.check_bed), "types": {}}
    for kind in ("snv", "indel"):
        present = {n for r in fit_records[kind] for n, v in r.values.items() if v is not None}
        features = [Feature(n, FEATURES[n][0]) for n in FEATURES if n in present]
        all_features = [Feature(n, FEATURES[n][0]) for n in FEATURES]
        fw, cw = fit_w[kind], check_w[kind]
        chosen = fit(fit_records[kind], features, fit_totals[kind], args.max_filters, fw)
        singles = {f.name: best(roc(fit_records[kind], f, fit_totals[kind], fw)) for f in features}
        fit_set, check_set = fit_records[kind], check_records[kind]
        rows = [_row("fit, no filter", evaluate(fit_set, features, {}, fit_totals[kind], fw)),
                _row("fit, chosen", evaluate(fit_set, features, chosen, fit_totals[kind], fw)),
                _row("check, no filter", evaluate(check_set, features, {}, check_totals[kind], cw)),
                _row("check, chosen", evaluate(check_set, features, chosen, check_totals[kind], cw)),
                _row(f"fit, current ({args.current})",
                     evaluate(fit_records[kind], all_features, current, fit_totals[kind], fw)),
                _row(f"check, current ({args.current})",
                     evaluate(check_records[kind], all_features, current, check_totals[kind], cw))]
        report["types"][kind] = {
            "chosen": chosen,
            "bcftools_expressions": [FEATURES[n][1].format(t=round(t, 4)) for n, t in chosen.items()],
            "rows": rows,
            "best_single_on_fit": {n: {"threshold": p.threshold, **_row(n, p)} for n, p in singles.items()},
            "best_single_on_check": {n: _row(n, evaluate(check_records[kind], features, {n: p.threshold},
                                                         check_totals[kind], cw))
                                     for n, p in singles.items() if p.threshold is not None},
            "current_single": {n: {"fit": _row(n, evaluate(fit_records[kind], all_features, {n: t},
                                                           fit_totals[kind], fw)),
                                   "check": _row(n, evaluate(check_records[kind], all_features, {n: t},
                                                             check_totals[kind], cw))}
                               for n, t in current.items()},
        }
        print(f"\n### {kind}: chosen on fit {chosen or 'nothing (no threshold raises F1)'}\n")
        print("| set | TP | FP | truth | precision | recall | F1 |\n|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['set']} | {r['tp']} | {r['fp']} | {r['truth_total']} | {r['precision']} | "
                  f"{r['recall']} | {r['f1']} |")
        print("\nbest single threshold per feature on fit: " + "; ".join(
            f"{n} {'>=' if FEATURES[n][0] == 'above' else '<='} {p.threshold}: F1 {p.f1:.5f} "
            f"(TP {p.tp}, FP {p.fp}); on check F1 {report['types'][kind]['best_single_on_check'][n]['f1']}"
            for n, p in singles.items() if p.threshold is not None))
        singles_now = report["types"][kind]["current_single"]
        print("current thresholds one at a time (fit / check F1): " + "; ".join(
            f"{n} {current[n]}: {v['fit']['f1']} / {v['check']['f1']}" for n, v in singles_now.items()))
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
