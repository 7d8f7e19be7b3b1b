"""Rebuild reference/genes/gnomad_v4.1_constraint.panel_genes.tsv (run by hand), the gnomAD v4.1 gene
constraint (pLI, LOEUF) of the genes of our panels, used by SV/CNV interpretation (ClinGen CNV 2H predictor).

    .venv/bin/python reference/build_constraint_table.py [/work/shared/data]

Source: ``genes/gnomad.v4.1.constraint_metrics_reduced.tsv`` (Scout demo resources; a reduced table of 239
genes, so many panel genes, BRCA1 among them, are NOT in it: for those the SV interpretation relies on the
panel's loss-of-function flag and mode of inheritance alone and says so). One row per gene: the MANE Select
transcript's row, else the canonical one. Nothing here runs in the workflow; the md5 is in
reference/PROVENANCE.tsv.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from clinwgs.interpret.settings import load_settings

HERE = Path(__file__).resolve().parent
OUT = HERE / "genes" / "gnomad_v4.1_constraint.panel_genes.tsv"
COLUMNS = ["gene", "transcript", "mane_select", "lof.pLI", "lof.oe", "lof.oe_ci.upper", "constraint_flags"]


def panel_genes() -> set[str]:
    settings = load_settings(HERE.parent / "config" / "panels.yaml")
    genes = {g for name in settings.panels for g in settings.load_panel(name).genes}
    return genes | set(settings.load_acmg_sf().genes)


def main(shared: Path) -> int:
    genes = panel_genes()
    best: dict[str, dict[str, str]] = {}
    with (shared / "genes" / "gnomad.v4.1.constraint_metrics_reduced.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["gene"] not in genes or "true" not in (row["mane_select"], row["canonical"]):
                continue
            if row["gene"] not in best or row["mane_select"] == "true":
                best[row["gene"]] = row
    lines = [
        "# gnomAD v4.1 gene constraint of the panel genes (derived; see reference/build_constraint_table.py)\n",
        "\t".join(COLUMNS) + "\n",
    ]
    lines += ["\t".join(best[g][c] for c in COLUMNS) + "\n" for g in sorted(best)]
    OUT.write_text("".join(lines), encoding="utf-8")
    print(f"{len(best)} of {len(genes)} panel genes have a constraint row -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")))
