"""Gene panels: Genomics England PanelApp exports (JSON lines, one panel per line), the ACMG secondary-
findings list (TSV; v3.2 = the v3.3 file without its ``sf_list_version == 3.3`` rows), Scout panel files and a
small lab-defined TSV format:

    ##name=<panel name>
    ##version=<version>
    ##source=lab-defined
    ##description=<free text>
    gene<TAB>hgnc_id<TAB>mode_of_inheritance<TAB>confidence<TAB>lof_mechanism

Only green (confidence 3 / "green") genes are used from PanelApp.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from clinwgs.core.errors import InputIntegrityError


@dataclass(frozen=True)
class PanelGene:
    symbol: str
    hgnc_id: str | None
    inheritance: str  # as written by the source, e.g. "MONOALLELIC, autosomal ...", "AD", "BIALLELIC"
    confidence: str
    lof_mechanism: bool | None = None  # True: LoF is an established disease mechanism (enables PVS1)


@dataclass(frozen=True)
class Panel:
    name: str
    version: str
    source: str
    genes: dict[str, PanelGene] = field(default_factory=dict)
    additional_findings: bool = False

    @property
    def label(self) -> str:
        return self.name if self.name.endswith(f"v{self.version}") else f"{self.name} v{self.version}"


def _lof_from_panelapp(mode_of_pathogenicity: str | None) -> bool | None:
    text = (mode_of_pathogenicity or "").lower()
    if "do not cause" in text or "gain-of-function" in text or "dominant negative" in text:
        return False
    return None


def load_panelapp(path: Path, name: str) -> Panel:
    """One named panel from a PanelApp JSON-lines export (green genes only)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputIntegrityError(f"cannot read PanelApp export: {exc}", path=path) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputIntegrityError(f"line {number} is not JSON: {exc}", path=path) from exc
        if data.get("name") != name:
            continue
        genes = {
            g["entity_name"]: PanelGene(
                symbol=g["entity_name"],
                hgnc_id=(g.get("gene_data") or {}).get("hgnc_id"),
                inheritance=g.get("mode_of_inheritance") or "Unknown",
                confidence="green",
                lof_mechanism=_lof_from_panelapp(g.get("mode_of_pathogenicity")),
            )
            for g in data.get("genes", [])
            if g.get("entity_type") == "gene" and str(g.get("confidence_level")) == "3"
        }
        return Panel(name, str(data["version"]), "Genomics England PanelApp", genes)
    raise InputIntegrityError(f"panel {name!r} is not in this PanelApp export", path=path)


def load_acmg_sf(path: Path, version: str) -> Panel:
    """The ACMG SF list at ``version`` (rows whose sf_list_version <= version)."""
    wanted = tuple(int(x) for x in version.split("."))
    genes: dict[str, PanelGene] = {}
    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"gene_symbol", "hgnc_id", "inheritance", "sf_list_version"} - set(reader.fieldnames or [])
        if missing:
            raise InputIntegrityError(f"ACMG SF table lacks column(s) {sorted(missing)}", path=path)
        for row in reader:
            row_version = tuple(int(x) for x in row["sf_list_version"].split("."))
            if row_version <= wanted and row["gene_symbol"] not in genes:
                genes[row["gene_symbol"]] = PanelGene(
                    row["gene_symbol"], row["hgnc_id"], row["inheritance"], "ACMG SF", None
                )
    return Panel(f"ACMG SF v{version}", version, "ACMG SF", genes, additional_findings=True)


def _open_text(path: Path):  # type: ignore[no-untyped-def]
    try:
        return path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputIntegrityError(f"cannot read panel file: {exc}", path=path) from exc


def _header(lines: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in lines:
        if line.startswith("##") and "=" in line:
            key, value = line[2:].split("=", 1)
            meta[key.strip()] = value.strip()
    return meta


def load_lab_panel(path: Path) -> Panel:
    """A lab-defined panel TSV (format in the module docstring)."""
    lines = _open_text(path).read().splitlines()
    meta = _header(lines)
    for key in ("name", "version", "source"):
        if key not in meta:
            raise InputIntegrityError(f"lab panel header lacks ##{key}=", path=path)
    body = [line for line in lines if line.strip() and not line.startswith("##")]
    rows = list(csv.DictReader(body, delimiter="\t"))
    genes: dict[str, PanelGene] = {}
    for number, row in enumerate(rows, 2):
        if not row.get("gene") or not row.get("mode_of_inheritance"):
            raise InputIntegrityError(f"row {number}: gene and mode_of_inheritance are required", path=path)
        lof = (row.get("lof_mechanism") or "").strip().lower()
        genes[row["gene"]] = PanelGene(
            row["gene"],
            row.get("hgnc_id") or None,
            row["mode_of_inheritance"],
            row.get("confidence") or "unspecified",
            True if lof == "yes" else False if lof == "no" else None,
        )
    return Panel(meta["name"], meta["version"], meta["source"], genes)


def load_scout_panel(path: Path) -> Panel:
    """A Scout gene panel file (``##display_name=``, ``##version=``, then a ``#hgnc_id`` table)."""
    lines = _open_text(path).read().splitlines()
    meta = _header(lines)
    table = [line.lstrip("#") for line in lines if not line.startswith("##") and line.strip()]
    genes: dict[str, PanelGene] = {}
    for row in csv.DictReader(table, delimiter="\t"):
        symbol = row.get("hgnc_symbol") or ""
        if symbol:
            models = row.get("genetic_disease_models") or "Unknown"
            genes[symbol] = PanelGene(symbol, f"HGNC:{row['hgnc_id']}", models, "listed", None)
    name = meta.get("display_name") or meta.get("panel_id") or path.stem
    return Panel(name, meta.get("version", "unknown"), f"Scout ({meta.get('institute', 'unknown')})", genes)
