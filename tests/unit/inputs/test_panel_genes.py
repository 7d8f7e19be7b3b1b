"""`clinwgs validate`: every sample's test code maps to a non-empty panel whose genes all resolve in the
bundled HGNC gene set by symbol and HGNC ID. Bad panels are the real R208 demo panel with rows changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clinwgs.config.load import load_config
from clinwgs.core.errors import ConfigError, InputIntegrityError
from clinwgs.inputs.panels import check_panel, check_run_panels, load_gene_set

ROOT = Path(__file__).resolve().parents[3]
PANELS = ROOT / "config" / "panels.yaml"
R208 = ROOT / "reference" / "panels" / "R208_lab_demo_panel.tsv"
GENES = ROOT / "reference" / "genes" / "hgnc_genes.tsv"
FQ1 = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R1.fastq.gz"
FQ2 = ROOT / "tests" / "data" / "brca1_slice" / "SLICE01.R2.fastq.gz"
SAMPLES_HEADER = "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\tfamily_id\trelation\n"


def write_config(
    tmp: Path, panel_rows: str | None = None, test_code: str = "R208", consent: str = "no"
) -> Path:
    """A run with one sample; ``panel_rows`` replaces the gene rows of the R208 demo panel."""
    settings = yaml.safe_load(PANELS.read_text())
    settings["hgnc_genes"] = str(GENES)
    settings["acmg_sf"]["path"] = str((PANELS.parent / settings["acmg_sf"]["path"]).resolve())
    for spec in settings["panels"].values():
        spec["path"] = str((PANELS.parent / spec["path"]).resolve())
    if panel_rows is not None:
        lines = R208.read_text().splitlines(keepends=True)
        header = [ln for ln in lines if ln.startswith("##") or ln.startswith("gene\t")]
        panel = tmp / "R208_changed.tsv"
        panel.write_text("".join(header) + panel_rows)
        settings["panels"]["R208_lab_demo"]["path"] = str(panel)
    (tmp / "panels.yaml").write_text(yaml.safe_dump(settings))
    (tmp / "samples.tsv").write_text(
        SAMPLES_HEADER + f"S-0001\tfemale\t{test_code}\t{consent}\tGRCh38_BRCA1\t\t\n"
    )
    (tmp / "units.tsv").write_text(
        f"sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\nS-0001\tL1\tILLUMINA\t{FQ1}\t{FQ2}\t\n"
    )
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg.update(samples=str(tmp / "samples.tsv"), units=str(tmp / "units.tsv"))
    cfg["bundles"] = {"GRCh38_BRCA1": str(ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml")}
    cfg["interpret"] = {"panels": str(tmp / "panels.yaml")}
    cfg["report"] = {"templates": str(ROOT / "reports")}
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def problems(config: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        check_run_panels(load_config(config))
    return caught.value.problems


def row(gene: str, hgnc_id: str) -> str:
    return f"{gene}\t{hgnc_id}\tMONOALLELIC, autosomal or pseudoautosomal\tlab-defined\t\n"


def test_the_demo_panels_resolve_every_gene(tmp_path: Path) -> None:
    lines = check_run_panels(load_config(write_config(tmp_path, consent="yes")))
    assert any(ln.startswith("panel R208_lab_demo (") and "7 gene(s), all resolve" in ln for ln in lines)
    assert any(ln.startswith("panel acmg_sf (ACMG SF v3.2") for ln in lines)


def test_every_configured_panel_and_the_acmg_list_resolve(tmp_path: Path) -> None:
    for code in ("R208", "R254", "R76"):
        assert check_run_panels(load_config(write_config(tmp_path, test_code=code, consent="yes")))


def test_a_test_code_without_a_panel_is_refused(tmp_path: Path) -> None:
    (line,) = problems(write_config(tmp_path, test_code="R999"))
    assert "test_code 'R999' (sample(s) S-0001) has no panel mapping" in line and "samples.tsv" in line


def test_an_empty_panel_is_refused(tmp_path: Path) -> None:
    (line,) = problems(write_config(tmp_path, panel_rows=""))
    assert "panel R208_lab_demo" in line and "has no usable (green) genes" in line


def test_an_unknown_gene_is_refused(tmp_path: Path) -> None:
    (line,) = problems(
        write_config(tmp_path, panel_rows=row("BRAC1", "HGNC:1100") + row("BRCA2", "HGNC:1101"))
    )
    assert "gene BRAC1 is not in the HGNC gene set" in line and "R208_lab_demo" in line


def test_a_renamed_gene_names_its_new_symbol(tmp_path: Path) -> None:
    # ASS is the previous HGNC symbol of ASS1 (HGNC:758) in the bundled HGNC set
    (line,) = problems(write_config(tmp_path, panel_rows=row("BRCA1", "HGNC:1100") + row("ASS", "HGNC:758")))
    assert "gene ASS was renamed: its approved HGNC symbol is ASS1 (HGNC:758)" in line


def test_an_alias_is_not_an_approved_symbol(tmp_path: Path) -> None:
    (line,) = problems(write_config(tmp_path, panel_rows=row("ARP3", "HGNC:170")))  # alias of ACTR3
    assert "gene ARP3 is an alias, not an approved HGNC symbol (ACTR3 (HGNC:170))" in line


def test_a_symbol_and_hgnc_id_that_disagree_are_refused(tmp_path: Path) -> None:
    (line,) = problems(write_config(tmp_path, panel_rows=row("BRCA1", "HGNC:1101")))
    assert (
        "gene BRCA1 is given HGNC ID HGNC:1101, but HGNC says BRCA1 is HGNC:1100 (HGNC:1101 is BRCA2)" in line
    )


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    rows = row("BRAC1", "") + row("ASS", "HGNC:758") + row("BRCA1", "HGNC:1101")
    assert len(problems(write_config(tmp_path, panel_rows=rows))) == 3


def test_validate_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, panel_rows=row("BRAC1", "HGNC:1100"))
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "validate", "--configfile", str(config)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "gene BRAC1 is not in the HGNC gene set" in done.stderr


def test_the_gene_set_is_the_bundled_hgnc_data() -> None:
    genes = load_gene_set(GENES)
    assert genes.by_symbol["BRCA1"] == "HGNC:1100" and genes.by_id["HGNC:26144"] == "PALB2"
    assert genes.previous["ASS"] == ["ASS1"]
    assert len(genes.by_symbol) == len(genes.by_id) > 400


def test_check_panel_with_the_gene_set_names_the_renamed_genes_of_the_scout_demo_panel() -> None:
    # the 2016 Scout demo panel lists FAM134B and PPP1R2P3, renamed RETREG1 and PPP1R2B since
    scout = ROOT / "reference" / "panels" / "scout_panel_1.txt"
    with pytest.raises(InputIntegrityError) as caught:
        check_panel(scout, "scout", hgnc_genes=GENES)
    assert "gene FAM134B was renamed: its approved HGNC symbol is RETREG1 (HGNC:25964)" in str(caught.value)
    assert "(and 1 more gene(s))" in str(caught.value)
    assert check_panel(R208, "lab", hgnc_genes=GENES)["genes"][:2] == ["ATM", "BRCA1"]
