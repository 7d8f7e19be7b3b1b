"""``write_panel_bed``: the BED of a test's panel genes (merged coding intervals from the bundle's GFF3) that
mosdepth measures coverage over. Entry point for the Snakemake adapter."""

from __future__ import annotations

from pathlib import Path

from clinwgs.interpret.coverage import gene_models, write_panel_bed
from clinwgs.interpret.settings import load_settings


def panel_bed_for_test(
    settings_path: Path, test_code: str, gff3: Path | None, out: Path, additional_findings: bool = False
) -> int:
    """Write the BED; returns the number of panel genes with a model (0 writes an empty BED). With consent to
    additional findings the ACMG SF genes are measured too (their coverage qualifies the statement)."""
    settings = load_settings(settings_path)
    genes = {g for name in settings.panel_names(test_code) for g in settings.load_panel(name).genes}
    if additional_findings:
        genes |= set(settings.load_acmg_sf().genes)
    models = gene_models(gff3, genes) if gff3 else {}
    write_panel_bed(models, out)
    return len(models)
