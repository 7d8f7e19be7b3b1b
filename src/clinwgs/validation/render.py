"""Markdown and HTML summaries of a benchmark result (the JSON is the record; these are for people)."""

from __future__ import annotations

import html
from typing import Any


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def confident_rows(result: dict[str, Any], section: str = "confident") -> list[list[str]]:
    """One row per type of ``result[section]`` (a {type: scores} mapping)."""
    return score_rows(result[section])


def score_rows(table: dict[str, Any], prefix: str = "", *, upper: bool = True) -> list[list[str]]:
    rows = []
    for kind, s in table.items():
        rows.append([
            prefix + (kind.upper() if upper else kind), str(s["truth_total"]), str(s["tp_truth"]),
            str(s["fn"]),
            str(s["gt_mismatch_truth"]),
            str(s["query_total"]), str(s["tp_query"]), str(s["fp"]),
            f"{_fmt(s['precision'])} ({s['tp_query']}/{s['query_total']})",
            f"{_fmt(s['recall'])} ({s['tp_truth']}/{s['truth_total']})", _fmt(s["f1"]), _fmt(s["allele_f1"]),
        ])
    return rows


HEADER = ["type", "truth", "TP (truth)", "FN", "GT mismatch", "query", "TP (query)", "FP", "precision",
          "recall", "F1", "F1 (allele only)"]
STRATA_NOTE = ("Records inside the BED by repeat context (homopolymer: a run of one base >= 6 bp; STR: unit "
               "2-6 bp, >= 11 bp and >= 5 copies; judged over the REF span plus the next base) and indel "
               "records by length change; each side by its own records.")


def strata_rows(result: dict[str, Any]) -> tuple[list[list[str]], list[list[str]]]:
    """(repeat-context rows, indel-length rows); empty when the result has no strata (older JSON)."""
    strata = result.get("strata")
    if not strata:
        return [], []
    repeat = [row for ctx, table in strata["repeat_context"].items() for row in score_rows(table, f"{ctx} ")]
    by_length = {f"{name} bp": s for name, s in strata["indel_length"].items()}
    lengths = score_rows(by_length, "INDEL ", upper=False)
    return repeat, lengths


ALL_HEADER = ["type", "truth records", "TP", "GT mismatch", "FN", "recall", "recall (allele only)"]


def all_rows(result: dict[str, Any]) -> list[list[str]]:
    return [[k.upper(), str(s["truth_total"]), str(s["tp_truth"]), str(s["gt_mismatch_truth"]), str(s["fn"]),
             f"{_fmt(s['recall'])} ({s['tp_truth']}/{s['truth_total']})", _fmt(s["allele_recall"])]
            for k, s in result["all_truth"].items()]


def to_markdown(result: dict[str, Any]) -> str:
    meta = result["inputs"]
    lines = [f"# Benchmark: {result['label']}", "",
             f"Query `{meta['query']['path']}` (sample {meta['query']['sample']}) against truth "
             f"`{meta['truth']['path']}` (sample {meta['truth']['sample']}), reference "
             f"`{meta['reference']['path']}`, confident BED `{meta['bed']['path']}` "
             f"({meta['bed']['size_bp']} bp). Generated {result['generated_utc']}.", "",
             "## Inside the confident regions (genotype-aware)", "",
             _md_table(HEADER, confident_rows(result)),
             "", "Counted per VCF record, as hap.py/vcfeval report TRUTH.* and QUERY.* (a multi-allelic "
             "record is one record); a record is inside when its REF span overlaps the BED. A genotype "
             "mismatch (same allele, wrong zygosity) counts as one FP and one FN in the genotype-aware "
             "precision/recall/F1; 'allele only' counts it as a TP.", ""]
    repeat, lengths = strata_rows(result)
    if repeat:
        lines += ["## Stratified (records inside the BED)", "", STRATA_NOTE, "",
                  _md_table(HEADER, repeat), "", _md_table(HEADER, lengths), ""]
    if "confident_alleles" in result:
        lines += ["## Second view: counted per called ALT allele", "",
                  _md_table(HEADER, confident_rows(result, "confident_alleles")), ""]
    lines += [
             "## Recall against all truth records (no BED)", "", _md_table(ALL_HEADER, all_rows(result)), ""]
    for name, items in result["errors_in_confident"].items():
        lines += [f"### {name.upper()} inside the BED ({len(items)})", ""]
        lines += [f"- {item}" for item in items] or ["- none"]
        lines.append("")
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def to_html(result: dict[str, Any]) -> str:
    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    errors = "".join(
        f"<h3>{html.escape(name.upper())} inside the BED ({len(items)})</h3><ul>"
        + ("".join(f"<li>{html.escape(i)}</li>" for i in items) or "<li>none</li>") + "</ul>"
        for name, items in result["errors_in_confident"].items())
    repeat, lengths = strata_rows(result)
    extra = ""
    if repeat:
        extra += (f"<h2>Stratified (records inside the BED)</h2><p>{html.escape(STRATA_NOTE)}</p>"
                  + table(HEADER, repeat) + table(HEADER, lengths))
    if "confident_alleles" in result:
        extra += ("<h2>Second view: counted per called ALT allele</h2>"
                  + table(HEADER, confident_rows(result, "confident_alleles")))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Benchmark {html.escape(result['label'])}</title><style>"
            "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:4px 8px;text-align:right}</style></head><body>"
            f"<h1>Benchmark: {html.escape(result['label'])}</h1>"
            f"<p>Generated {html.escape(result['generated_utc'])}.</p>"
            "<h2>Inside the confident regions (genotype-aware)</h2>" + table(HEADER, confident_rows(result))
            + "<p>Counted per VCF record (a multi-allelic record is one); a record is inside when its REF "
            "span overlaps the BED. A genotype mismatch counts as one FP and one FN in the genotype-aware "
            "metric.</p>"
            + extra
            + "<h2>Recall against all truth records (no BED)</h2>" + table(ALL_HEADER, all_rows(result))
            + errors + "</body></html>\n")
