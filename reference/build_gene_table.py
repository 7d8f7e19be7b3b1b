"""Rebuild reference/genes/hgnc_genes.tsv, the HGNC gene set every panel gene must resolve in (run by hand).

    .venv/bin/python reference/build_gene_table.py [/work/shared/data]

Columns: hgnc_id, symbol (approved), prev_symbol and alias_symbol (``|``-separated), source. Rows come from,
in this order (an HGNC ID already listed is not added again; a symbol given two IDs stops the build):

1. ``genes/hgnc_reduced_set.txt`` (HGNC download via Scout's demo resources): every row, with previous
   symbols and aliases;
2. the HGNC records PanelApp embeds in its exports (``panels/panelapp_panels.jsonl``, HGNC release
   2017-11-03): ID, symbol, aliases of every gene entity;
3. the ACMG SF v3.3 table (``panels/acmg_sf_v3.3.tsv``): ID and symbol;
4. ``EXTRA`` below: the four R208 demo-panel genes none of the above holds, ID and current symbol as coded in
   the MII MTB ValueSet mii-vs-mtb-panel-ofa-plus v2026.0.1 ("stable HGNC IDs, displays = current HGNC
   symbols"), each checked by hand against the HGNC ID the panel file gives.

Nothing here runs in the workflow; the table's md5 is in reference/PROVENANCE.tsv.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "genes" / "hgnc_genes.tsv"
EXTRA = [("HGNC:795", "ATM"), ("HGNC:16627", "CHEK2"), ("HGNC:9820", "RAD51C"), ("HGNC:9823", "RAD51D")]


def _split(text: str) -> list[str]:
    return [s.strip() for s in text.strip('"').split("|") if s.strip()]


def build(shared: Path) -> list[dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    symbols: dict[str, str] = {}

    def add(hgnc_id: str, symbol: str, prev: list[str], alias: list[str], source: str) -> None:
        if hgnc_id in rows:
            if rows[hgnc_id]["symbol"] != symbol:
                print(f"note: {hgnc_id} is {rows[hgnc_id]['symbol']} ({rows[hgnc_id]['source']}), "
                      f"{symbol} in {source}: kept the first", file=sys.stderr)
            return
        if symbols.get(symbol, hgnc_id) != hgnc_id:
            raise SystemExit(f"{symbol}: {symbols[symbol]} and {hgnc_id} ({source})")
        symbols[symbol] = hgnc_id
        rows[hgnc_id] = {"hgnc_id": hgnc_id, "symbol": symbol, "prev_symbol": "|".join(prev),
                         "alias_symbol": "|".join(alias), "source": source}

    with (shared / "genes" / "hgnc_reduced_set.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            add(row["hgnc_id"], row["symbol"], _split(row["prev_symbol"]), _split(row["alias_symbol"]),
                "hgnc_reduced_set")
    for line in (shared / "panels" / "panelapp_panels.jsonl").read_text(encoding="utf-8").splitlines():
        for gene in json.loads(line).get("genes", []):
            data = gene.get("gene_data") or {}
            if gene.get("entity_type") == "gene" and data.get("hgnc_id") and data.get("hgnc_symbol"):
                add(data["hgnc_id"], data["hgnc_symbol"], [], list(data.get("alias") or []),
                    f"panelapp_hgnc_{data.get('hgnc_release', 'unknown')}")
    with (shared / "panels" / "acmg_sf_v3.3.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            add(row["hgnc_id"], row["gene_symbol"], [], [], "acmg_sf_v3.3")
    for hgnc_id, symbol in EXTRA:
        add(hgnc_id, symbol, [], [], "mii_valueset_ofa_plus_2026.0.1")
    return sorted(rows.values(), key=lambda r: r["symbol"])


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data")
    rows = build(shared)
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# HGNC gene set for panel checks; built by reference/build_gene_table.py (see there)\n")
        writer = csv.DictWriter(handle, list(rows[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} genes, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
