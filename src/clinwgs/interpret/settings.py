"""Interpretation settings (``config/panels.yaml``): panels, test code -> panel(s), the ACMG SF list, the
coverage threshold, ACMG cut-offs and which INFO keys hold population allele frequencies.

The file is read strictly and checked by the typed model (clinwgs.config.models.PanelSettings: ranges,
unknown keys, defaults); this module only adds the panel loaders. Paths in the file are relative to the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clinwgs.config.load import load_panel_settings
from clinwgs.config.models import AcmgSettings, AcmgSfList, PanelSettings, PanelSpec
from clinwgs.core.errors import ConfigError
from clinwgs.interpret.panels import Panel, load_acmg_sf, load_lab_panel, load_panelapp, load_scout_panel


@dataclass(frozen=True)
class InterpretSettings:
    source: Path
    panels: dict[str, PanelSpec]
    test_codes: dict[str, list[str]]
    acmg_sf: AcmgSfList
    coverage_threshold_x: int
    acmg: AcmgSettings
    population_af: list[tuple[str, str]]  # (INFO key, label)
    transcripts: dict[str, str]  # gene -> reporting transcript (MANE Select)
    lof_mechanism_genes: set[str]  # loss of function established (PVS1)
    gene_constraint: Path | None = None  # gnomAD constraint of the panel genes (SV/CNV scoring, 2H)
    incomplete_penetrance_genes: set[str] = field(default_factory=set)  # issue 16: unaffected-parent filter

    def panel_names(self, test_code: str) -> list[str]:
        if test_code not in self.test_codes:
            known = ", ".join(sorted(self.test_codes))
            raise ConfigError(
                [f"test code {test_code!r} has no panel mapping (known: {known})"], path=self.source
            )
        return self.test_codes[test_code]

    def load_panel(self, name: str) -> Panel:
        spec = self.panels[name]
        path = (self.source.parent / spec.path).resolve()
        if spec.format == "panelapp":
            assert spec.name is not None  # the model requires it for panelapp
            return load_panelapp(path, spec.name)
        if spec.format == "lab":
            return load_lab_panel(path)
        return load_scout_panel(path)

    def load_acmg_sf(self) -> Panel:
        return load_acmg_sf((self.source.parent / self.acmg_sf.path).resolve(), self.acmg_sf.version)


def from_model(model: PanelSettings, source: Path) -> InterpretSettings:
    """The settings of a validated panels file (``source``: the file, for its relative paths)."""
    return InterpretSettings(
        source=source,
        panels=dict(model.panels),
        test_codes={code: list(names) for code, names in model.test_codes.items()},
        acmg_sf=model.acmg_sf,
        coverage_threshold_x=model.coverage_threshold_x,
        acmg=model.acmg,
        population_af=[(p.info, p.label) for p in model.population_af],
        transcripts=dict(model.transcripts),
        lof_mechanism_genes=set(model.lof_mechanism_genes),
        gene_constraint=(source.parent / model.gene_constraint).resolve() if model.gene_constraint else None,
        incomplete_penetrance_genes=set(model.incomplete_penetrance_genes),
    )


def load_settings(path: Path) -> InterpretSettings:
    """Read and check the settings file; raise ConfigError (one line per problem, naming the key)."""
    return from_model(load_panel_settings(path), path)
