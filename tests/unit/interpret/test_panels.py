"""Panel import: PanelApp export, ACMG SF v3.2/v3.3, lab-defined TSV, Scout; errors name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.core.errors import ConfigError, InputIntegrityError
from clinwgs.interpret.panels import load_acmg_sf, load_lab_panel, load_panelapp, load_scout_panel
from clinwgs.interpret.settings import load_settings

PANELS = Path(__file__).resolve().parents[3] / "reference" / "panels"


def test_panelapp_green_genes_with_version_and_inheritance() -> None:
    panel = load_panelapp(PANELS / "panelapp_panels.jsonl", "Familial melanoma")
    assert (panel.name, panel.version, panel.source) == (
        "Familial melanoma",
        "2.5",
        "Genomics England PanelApp",
    )
    assert sorted(panel.genes) == ["BAP1", "CDK4", "CDKN2A", "POT1"]  # green only
    assert "BRCA2" not in panel.genes  # listed, but not green (confidence < 3)
    assert panel.genes["BAP1"].inheritance.startswith("MONOALLELIC")
    assert panel.genes["BAP1"].hgnc_id == "HGNC:950"


def test_panelapp_unknown_panel_names_the_file() -> None:
    with pytest.raises(InputIntegrityError, match="panelapp_panels.jsonl"):
        load_panelapp(PANELS / "panelapp_panels.jsonl", "Hereditary breast cancer")


def test_acmg_sf_v32_is_v33_without_its_new_rows() -> None:
    v33 = load_acmg_sf(PANELS / "acmg_sf_v3.3.tsv", "3.3")
    v32 = load_acmg_sf(PANELS / "acmg_sf_v3.3.tsv", "3.2")
    assert len(v33.genes) == 84 and len(v32.genes) == 81
    assert "ABCD1" in v33.genes and "ABCD1" not in v32.genes
    assert {"BRCA1", "BRCA2", "PALB2", "LDLR"} <= set(v32.genes)
    assert v32.name == "ACMG SF v3.2" and v32.additional_findings


def test_lab_demo_panel_is_labelled_and_has_brca1() -> None:
    panel = load_lab_panel(PANELS / "R208_lab_demo_panel.tsv")
    assert panel.source == "lab-defined" and "DEMO" in panel.name
    assert list(panel.genes)[:3] == ["BRCA1", "BRCA2", "PALB2"]
    assert panel.genes["BRCA1"].lof_mechanism is True and panel.genes["ATM"].lof_mechanism is None


def test_lab_panel_without_header_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("gene\thgnc_id\tmode_of_inheritance\nBRCA1\tHGNC:1100\tMONOALLELIC\n", encoding="utf-8")
    with pytest.raises(InputIntegrityError, match=r"bad\.tsv.*##name"):
        load_lab_panel(bad)


def test_scout_panel() -> None:
    panel = load_scout_panel(PANELS / "scout_panel_1.txt")
    assert (panel.name, panel.version) == ("Test panel", "1.0")
    assert {"LDLR", "SEMA4A"} <= set(panel.genes) and "COL18A1" not in panel.genes


def test_settings_map_test_codes_and_refuse_unknown_codes() -> None:
    settings = load_settings(PANELS.parents[1] / "config" / "panels.yaml")
    assert settings.panel_names("R208") == ["R208_lab_demo"]
    assert settings.coverage_threshold_x == 20
    with pytest.raises(ConfigError, match="R999"):
        settings.panel_names("R999")


def test_settings_refuse_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "panels.yaml"
    path.write_text("panels: {}\npanels: {}\ntest_codes: {}\nacmg_sf: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate key"):
        load_settings(path)
