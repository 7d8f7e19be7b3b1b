"""Gene panel checks behind ``clinwgs audit check-panel`` and ``clinwgs validate``: the panel is loaded
exactly as the interpreter loads it, then refused when it would silently report nothing (no green genes),
cannot be cited (no version) or names a gene the bundled HGNC gene set does not know by that symbol and HGNC
ID (a misspelt, withdrawn or renamed gene is never analysed: its variants would silently be missed).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinwgs.core.errors import ConfigError, InputIntegrityError

if TYPE_CHECKING:
    from clinwgs.config.models import RunConfig

PANEL_FORMATS = ("panelapp", "acmg", "lab", "scout")
VERSION_RE = re.compile(r"\d+(\.\d+)*")


def check_acmg_table(path: Path) -> None:
    """Every ``sf_list_version`` must be a dotted number (the loader compares them as version tuples)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            version = (row.get("sf_list_version") or "").strip()
            if version and not VERSION_RE.fullmatch(version):
                raise InputIntegrityError(
                    f"row {number}: sf_list_version is not a version number such as 3.2", path=path
                )


def check_panel_usable(panel: Any, path: Path) -> None:
    """A panel that yields no genes (or no version) must stop the run: an empty panel reports nothing."""
    if not getattr(panel, "genes", None):
        raise InputIntegrityError(f"panel {panel.name!r} has no usable (green) genes", path=path)
    if not str(getattr(panel, "version", "")).strip() or panel.version == "unknown":
        raise InputIntegrityError(f"panel {panel.name!r} has no version", path=path)


def check_panel(
    path: Path, fmt: str, *, name: str | None = None, version: str = "3.2", hgnc_genes: Path | None = None
) -> dict[str, Any]:
    """Load a panel file as the interpreter would and refuse an unusable one (with ``hgnc_genes``, also one
    whose genes do not resolve in that HGNC gene set); returns name, version, genes."""
    from clinwgs.interpret import panels

    if not path.is_file():
        raise InputIntegrityError("panel file does not exist", path=path)
    if fmt == "acmg":
        check_acmg_table(path)
    if fmt == "panelapp":
        panel = panels.load_panelapp(path, name or "")
    elif fmt == "acmg":
        panel = panels.load_acmg_sf(path, version)
    elif fmt == "lab":
        panel = panels.load_lab_panel(path)
    elif fmt == "scout":
        panel = panels.load_scout_panel(path)
    else:
        raise InputIntegrityError(
            f"unknown panel format {fmt!r}; allowed: {', '.join(PANEL_FORMATS)}", path=path
        )
    check_panel_usable(panel, path)
    if hgnc_genes is not None:
        problems = gene_problems(panel, load_gene_set(hgnc_genes), f"panel {panel.name!r}")
        if problems:
            more = f" (and {len(problems) - 1} more gene(s))" if len(problems) > 1 else ""
            raise InputIntegrityError(problems[0] + more, path=path)
    return {"name": panel.name, "version": panel.version, "genes": sorted(panel.genes)}


GENE_SET_COLUMNS = ("hgnc_id", "symbol", "prev_symbol", "alias_symbol")
HGNC_ID_RE = re.compile(r"(HGNC:)?(\d+)")


@dataclass(frozen=True)
class GeneSet:
    """The bundled HGNC gene set (reference/genes/hgnc_genes.tsv): approved symbol <-> HGNC ID, and the
    previous symbols and aliases that point to an approved symbol."""

    path: Path
    by_symbol: dict[str, str] = field(default_factory=dict)  # approved symbol -> HGNC ID
    by_id: dict[str, str] = field(default_factory=dict)  # HGNC ID -> approved symbol
    previous: dict[str, list[str]] = field(default_factory=dict)  # previous symbol -> approved symbols
    aliases: dict[str, list[str]] = field(default_factory=dict)  # alias -> approved symbols


def hgnc_id(text: str) -> str | None:
    """``HGNC:1100`` and ``1100`` -> ``HGNC:1100``; None for anything else."""
    match = HGNC_ID_RE.fullmatch(text.strip())
    return f"HGNC:{int(match.group(2))}" if match else None


def load_gene_set(path: Path) -> GeneSet:
    """Read the HGNC gene set TSV (``#`` comment lines, then a header with ``GENE_SET_COLUMNS``)."""
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputIntegrityError(f"cannot read the HGNC gene set ({type(exc).__name__})", path=path) from exc
    reader = csv.DictReader(lines, delimiter="\t")
    missing = set(GENE_SET_COLUMNS) - set(reader.fieldnames or [])
    if missing:
        raise InputIntegrityError(f"HGNC gene set lacks column(s) {sorted(missing)}", path=path)
    genes = GeneSet(path)
    for number, row in enumerate(reader, start=2):
        ident, symbol = hgnc_id(row["hgnc_id"] or ""), (row["symbol"] or "").strip()
        if ident is None or not symbol:
            raise InputIntegrityError(f"row {number}: needs an HGNC ID (HGNC:n) and a symbol", path=path)
        genes.by_symbol[symbol] = ident
        genes.by_id[ident] = symbol
        for column, target in (("prev_symbol", genes.previous), ("alias_symbol", genes.aliases)):
            for old in filter(None, (row[column] or "").split("|")):
                target.setdefault(old, []).append(symbol)
    return genes


def gene_problems(panel: Any, genes: GeneSet, where: str) -> list[str]:
    """One line per panel gene that does not resolve to an approved HGNC symbol with the same HGNC ID."""
    problems = []
    for symbol, gene in panel.genes.items():
        known = genes.by_symbol.get(symbol)
        given = hgnc_id(gene.hgnc_id) if gene.hgnc_id else None
        if known is None:
            if symbol in genes.previous:
                new = ", ".join(f"{s} ({genes.by_symbol[s]})" for s in genes.previous[symbol])
                problems.append(f"{where}: gene {symbol} was renamed: its approved HGNC symbol is {new}; "
                                "use the new symbol in the panel")
            elif symbol in genes.aliases:
                new = ", ".join(f"{s} ({genes.by_symbol[s]})" for s in genes.aliases[symbol])
                problems.append(f"{where}: gene {symbol} is an alias, not an approved HGNC symbol ({new}); "
                                "use the approved symbol in the panel")
            else:
                problems.append(
                    f"{where}: gene {symbol} is not in the HGNC gene set {genes.path}: correct the symbol, "
                    "or add the gene with its HGNC ID (reference/build_gene_table.py)"
                )
        elif gene.hgnc_id and given != known:
            other = f" ({given} is {genes.by_id[given]})" if given in genes.by_id else ""
            problems.append(
                f"{where}: gene {symbol} is given HGNC ID {gene.hgnc_id}, but HGNC says {symbol} is "
                f"{known}{other}: the symbol and the ID name different genes; correct the panel"
            )
    return problems


def check_run_panels(run: RunConfig) -> list[str]:
    """``clinwgs validate`` and ``clinwgs run`` preflight: every sample's test code maps to panels that
    load, are not empty and whose genes all resolve in the HGNC gene set (the ACMG SF list too when a sample
    consented to additional findings). Raises ConfigError listing every problem; returns a line per panel."""
    from clinwgs.interpret.settings import from_model

    source = run.interpret.panels
    settings = from_model(run.panel_settings, source)
    genes = load_gene_set((source.parent / run.panel_settings.hgnc_genes).resolve())
    problems: list[str] = []
    by_code: dict[str, list[str]] = {}
    for sample_id, sample in run.samples.items():
        by_code.setdefault(sample.test_code, []).append(sample_id)
    wanted: list[str] = []
    for code, sample_ids in sorted(by_code.items()):
        if code not in settings.test_codes:
            problems.append(
                f"{run.samples_path}: test_code {code!r} (sample(s) {', '.join(sample_ids)}) has no panel "
                f"mapping under test_codes in {source} (known: {', '.join(sorted(settings.test_codes))}); "
                "correct the sheet or map the code to a panel"
            )
            continue
        wanted += [n for n in settings.test_codes[code] if n not in wanted]
    if any(s.consent_additional_findings for s in run.samples.values()):
        wanted.append("acmg_sf")
    lines = []
    for name in wanted:
        try:
            panel = settings.load_acmg_sf() if name == "acmg_sf" else settings.load_panel(name)
            check_panel_usable(panel, source)
        except InputIntegrityError as exc:
            problems.append(f"panel {name}: {exc}")
            continue
        found = gene_problems(panel, genes, f"{source}: panel {name} ({panel.label})")
        problems += found
        if not found:
            lines.append(f"panel {name} ({panel.label}): {len(panel.genes)} gene(s), all resolve in HGNC")
    if problems:
        raise ConfigError(problems, path=source)
    return lines
