"""Markdown and HTML renderings of the validation report (the JSON next to them is the record)."""

from __future__ import annotations

import html
from typing import Any

from clinwgs.validation.render import ALL_HEADER, HEADER, all_rows, confident_rows


def criteria_rows(report: dict[str, Any]) -> list[list[str]]:
    return [["PASS" if c["passed"] else "FAIL", c["name"],
             "not measurable" if c["measured"] is None else f"{c['measured']:.4f}",
             f"{c['comparator']} {c['threshold']}", c["counts"]] for c in report["criteria"]]


def control_rows(report: dict[str, Any]) -> list[list[str]]:
    return [[kind, r["hgvsc"], f"{r['chrom']}:{r['pos1']}", r["outcome"]]
            for kind, entry in sorted(report["control_outcomes"].items()) for r in entry["records"]]


CRITERIA_HEADER = ["result", "criterion", "measured", "threshold", "counts"]
CONTROL_HEADER = ["control type", "HGVS c.", "position", "outcome"]


def _settings(report: dict[str, Any]) -> str:
    wf = report["config"]["workflow"]
    return (f"aligner {wf['aligner']}, caller {wf['caller']}, base config {wf['base_config']}; "
            f"started {report['date_utc']}, finished {report['finished_utc']}")


def to_markdown(report: dict[str, Any]) -> str:
    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                + ["| " + " | ".join(r) + " |" for r in rows])

    lines = [f"# {report['title']}: {report['verdict']}", "", f"Date (UTC): {report['date_utc']}. "
             + _settings(report) + ".", "", "## Acceptance criteria", ""]
    lines += table(CRITERIA_HEADER, criteria_rows(report))
    lines += ["", "## GIAB benchmark inside the confident BED", ""]
    lines += table(HEADER, confident_rows(report["giab"]))
    lines += ["", "## GIAB recall against all truth records", ""]
    lines += table(ALL_HEADER, all_rows(report["giab"]))
    lines += ["", "## Positive and benign controls (simulated reads)", ""]
    lines += table(CONTROL_HEADER, control_rows(report))
    if "bare_caller" in report:
        lines += ["", "## Same caller run bare on the workflow's BAM", "", "Commands:", ""]
        lines += [f"    {c}" for c in report["bare_caller"]["commands"]]
        lines += [""] + table(HEADER, confident_rows(report["bare_caller"]["result"]))
    return "\n".join(lines) + "\n"


def to_html(report: dict[str, Any]) -> str:
    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td class='{html.escape(c)}'>{html.escape(c)}</td>" for c in r)
                       + "</tr>" for r in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [f"<h1>{html.escape(report['title'])}: <span class='{report['verdict']}'>"
             f"{report['verdict']}</span></h1>", f"<p>{html.escape(_settings(report))}</p>",
             "<h2>Acceptance criteria</h2>", table(CRITERIA_HEADER, criteria_rows(report)),
             "<h2>GIAB benchmark inside the confident BED</h2>",
             table(HEADER, confident_rows(report["giab"])),
             "<h2>GIAB recall against all truth records</h2>", table(ALL_HEADER, all_rows(report["giab"])),
             "<h2>Positive and benign controls (simulated reads)</h2>",
             table(CONTROL_HEADER, control_rows(report))]
    if "bare_caller" in report:
        parts += ["<h2>Same caller run bare on the workflow's BAM</h2>",
                  "".join(f"<pre>{html.escape(c)}</pre>" for c in report["bare_caller"]["commands"]),
                  table(HEADER, confident_rows(report["bare_caller"]["result"]))]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>clinwgs validation "
            f"{html.escape(report['date_utc'])}</title><style>body{{font-family:sans-serif;margin:2em}}"
            "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}"
            ".PASS{color:#060;font-weight:bold}.FAIL{color:#b00;font-weight:bold}</style></head><body>"
            + "".join(parts) + "</body></html>\n")
