"""Interpretation settings (``config/panels.yaml``): panels, test code -> panel(s), the ACMG SF list, the
coverage threshold, ACMG cut-offs and which INFO keys hold population allele frequencies.

Paths in the file are relative to the file itself. Duplicate keys are refused (PyYAML would keep the last).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clinwgs.core.errors import ConfigError
from clinwgs.interpret.acmg import AcmgSettings
from clinwgs.interpret.panels import Panel, load_acmg_sf, load_lab_panel, load_panelapp, load_scout_panel


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


@dataclass(frozen=True)
class InterpretSettings:
    source: Path
    panels: dict[str, dict[str, Any]]
    test_codes: dict[str, list[str]]
    acmg_sf: dict[str, Any]
    coverage_threshold_x: int = 20
    acmg: AcmgSettings = field(default_factory=AcmgSettings)
    population_af: list[tuple[str, str]] = field(default_factory=list)  # (INFO key, label)
    transcripts: dict[str, str] = field(default_factory=dict)  # gene -> reporting transcript (MANE Select)
    lof_mechanism_genes: set[str] = field(default_factory=set)  # loss of function established (PVS1)

    def panel_names(self, test_code: str) -> list[str]:
        if test_code not in self.test_codes:
            known = ", ".join(sorted(self.test_codes))
            raise ConfigError(
                [f"test code {test_code!r} has no panel mapping (known: {known})"], path=self.source
            )
        return self.test_codes[test_code]

    def load_panel(self, name: str) -> Panel:
        spec = self.panels[name]
        path = (self.source.parent / spec["path"]).resolve()
        kind = spec["format"]
        if kind == "panelapp":
            return load_panelapp(path, spec["name"])
        if kind == "lab":
            return load_lab_panel(path)
        if kind == "scout":
            return load_scout_panel(path)
        raise ConfigError([f"panel {name!r}: unknown format {kind!r} (panelapp|lab|scout)"], path=self.source)

    def load_acmg_sf(self) -> Panel:
        return load_acmg_sf(
            (self.source.parent / self.acmg_sf["path"]).resolve(), str(self.acmg_sf["version"])
        )


def load_settings(path: Path) -> InterpretSettings:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"cannot load interpretation settings: {exc}"], path=path) from exc
    problems = [f"missing section {key!r}" for key in ("panels", "test_codes", "acmg_sf") if key not in data]
    for code, names in (data.get("test_codes") or {}).items():
        problems += [
            f"test code {code}: unknown panel {n!r}" for n in names if n not in data.get("panels", {})
        ]
    acmg = data.get("acmg") or {}
    stars = acmg.get("known_pathogenic_min_stars", 2)
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 4:
        problems.append(f"acmg.known_pathogenic_min_stars: {stars!r} is not an integer from 1 to 4")
    if problems:
        raise ConfigError(problems, path=path)
    return InterpretSettings(
        source=path,
        panels=data["panels"],
        test_codes={str(k): list(v) for k, v in data["test_codes"].items()},
        acmg_sf=data["acmg_sf"],
        coverage_threshold_x=int(data.get("coverage_threshold_x", 20)),
        acmg=AcmgSettings(**acmg),
        population_af=[(p["info"], p["label"]) for p in data.get("population_af", [])],
        transcripts={str(k): str(v) for k, v in (data.get("transcripts") or {}).items()},
        lof_mechanism_genes={str(g) for g in (data.get("lof_mechanism_genes") or [])},
    )
