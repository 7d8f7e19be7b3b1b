"""``clinwgs report``: findings.json (+ optional QC files) -> <sample>.report.html, .report.pdf (WeasyPrint)
and .report.json. Templates, CSS and the methods/limitations text live in ``reports/``. Each output is written
to a temporary name and renamed when complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import yaml

from clinwgs import __version__
from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import write_bytes_atomic, write_text_atomic
from clinwgs.models.findings import (
    FINDINGS_SCHEMA_VERSION,
    Findings,
    not_fully_assessed,
    panel_genes,
    result_status,
)
from clinwgs.report.context import (
    additional_findings_statement,
    build_context,
    family_section,
    finding_row,
    summary_sentence,
)
from clinwgs.report.qc import mosdepth_dist, samtools_stats
from clinwgs.report.structural import structural_json
from clinwgs.report.svg import bar_chart, line_chart

REPORT_JSON_VERSION = "1.0.0"


def load_findings(path: Path) -> Findings:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputIntegrityError(f"cannot read findings.json: {exc}", path=path) from exc
    major = str(data.get("schema_version", "0")).split(".")[0]
    if major != FINDINGS_SCHEMA_VERSION.split(".")[0]:
        raise InputIntegrityError(
            f"findings schema {data.get('schema_version')} is not supported "
            f"(this report reads {FINDINGS_SCHEMA_VERSION})",
            path=path,
        )
    try:
        return Findings.model_validate(data)
    except ValueError as exc:
        raise InputIntegrityError(f"findings.json does not match the schema: {exc}", path=path) from exc


def report_plots(findings: Findings, depth_points: list[tuple[float, float]] | None) -> dict[str, str]:
    """The report's SVG plots: gene coverage (from the findings) and, given its points, the depth curve."""
    plots: dict[str, str] = {}
    if findings.coverage:
        plots["gene_coverage"] = bar_chart(
            [c.gene for c in findings.coverage],
            [c.fraction_at_threshold for c in findings.coverage],
            1.0,
            f"Panel genes: fraction of coding bases >= {findings.coverage[0].threshold_x}x",
        )
    if depth_points:
        threshold = findings.coverage[0].threshold_x if findings.coverage else None
        plots["depth_distribution"] = line_chart(
            depth_points, "Depth distribution", "depth (x)", "fraction of bases at or above", threshold
        )
    return plots


def _plots(findings: Findings, dist: Path | None) -> dict[str, str]:
    return report_plots(findings, mosdepth_dist(dist, "total") if dist is not None else None)


def analysis_provenance(path: Path) -> dict[str, Any]:
    """sha256 and tool versions of the analysis manifest (results/<s>/analysis_manifest.json) it cites."""
    import hashlib

    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, json.JSONDecodeError) as exc:
        raise InputIntegrityError(f"cannot read analysis manifest: {exc}", path=path) from exc
    tools = {
        name: str(info.get("version"))
        for name, info in (data.get("tools") or {}).items()
        if isinstance(info, dict) and info.get("version")
    }
    return {"sha256": hashlib.sha256(raw).hexdigest(), "tools": tools, "path": path.name}


def render_html(
    findings: Findings,
    templates: Path,
    qc: dict[str, float],
    plots: dict[str, str],
    provenance: dict[str, Any] | None = None,
    identity: dict[str, Any] | None = None,
    *,
    report_version: int = 1,
    signoff: dict[str, str] | None = None,
) -> str:
    """The report as HTML. Without ``signoff`` it is the preliminary report ("PRELIMINARY" on every page)."""
    methods_file = templates / "methods.yaml"
    try:
        methods: dict[str, Any] = yaml.safe_load(methods_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputIntegrityError(f"cannot read methods text: {exc}", path=methods_file) from exc
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates / "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    css = (templates / "report.css").read_text(encoding="utf-8")
    context = build_context(findings, qc, plots, methods)
    return env.get_template("report.html.j2").render(
        **context,
        css=css,
        clinwgs_version=__version__,
        provenance=provenance,
        report_version=report_version,
        preliminary=signoff is None,
        signoff=signoff,
        identity=identity,
    )


def render_signed(
    findings: Findings,
    templates: Path,
    *,
    checked_by: str,
    checked_at: str,
    authorised_by: str,
    authorised_at: str,
    report_version: int,
    qc: dict[str, float] | None = None,
    provenance: dict[str, Any] | None = None,
    identity: dict[str, Any] | None = None,
    depth_points: list[tuple[float, float]] | None = None,
) -> tuple[str, bytes]:
    """The final (signed) report after two-person authorisation: (HTML, PDF) with the checker's and the
    authoriser's names and times in the sign-off box, no "PRELIMINARY" mark, and ``report_version`` on every
    page. ``qc``, ``provenance``, ``identity`` and ``depth_points`` are what the preliminary report showed
    (``clinwgs.models.report_inputs``). The caller (record service) stores it as a new version of the
    presented form and points presentedForm at it."""
    names = {"checked_by": checked_by, "authorised_by": authorised_by}
    empty = [k for k, v in names.items() if not v.strip()]
    if empty or checked_by.strip() == authorised_by.strip():
        raise ValueError("a signed report needs two different people (checked_by, authorised_by)")
    signoff = {**names, "checked_at": checked_at, "authorised_at": authorised_at}
    html = render_html(
        findings,
        templates,
        qc or {},
        report_plots(findings, depth_points),
        provenance,
        identity,
        report_version=report_version,
        signoff=signoff,
    )
    return html, render_pdf(html, templates)


def identity_section(path: Path) -> dict[str, Any]:
    """The sample identity result (clinwgs.identity) as the report's QC section shows it."""
    from clinwgs.identity.check import read_identity

    result = read_identity(path)
    return {"status": result.status, "lines": result.summary_lines()}


def report_json(
    findings: Findings, qc: dict[str, float], identity: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The machine-readable report: what the HTML says, without layout."""
    return {
        "report_version": REPORT_JSON_VERSION,
        "findings_schema_version": findings.schema_version,
        "sample_id": findings.sample_id,
        "test_code": findings.test_code,
        "summary": summary_sentence(findings),
        "result": result_status(findings),
        "genes_not_fully_assessed": not_fully_assessed(findings, panel_genes(findings)),
        "additional_findings": additional_findings_statement(findings),
        "release_blocked": findings.release_blocked,
        "release_blockers": findings.release_blockers,
        "panels": [p.model_dump() for p in findings.panels],
        "findings": [finding_row(f) for f in findings.findings],
        "for_review": [finding_row(f) for f in findings.for_review],
        "coverage_gaps": [c.model_dump() for c in findings.coverage if not c.fully_assessed],
        "sex_check": findings.sex_check.model_dump(),
        "qc": qc,
        "identity": identity,
        "databases": findings.databases,
        "tool_versions": findings.tool_versions,
        "sign_off": {"checked_by": None, "authorised_by": None},
        # structural/copy-number variants (findings 1.3.0): present only when SV analysis ran
        **({"structural": sv} if (sv := structural_json(findings)) is not None else {}),
        # issue 16: the family section, only for a proband analysed in its family
        **({"family": family_section(findings)} if findings.family is not None else {}),
    }


def render_pdf(html: str, base: Path) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(base)).write_pdf()  # type: ignore[no-any-return]


def render_report(
    findings_path: Path,
    templates: Path,
    out_html: Path,
    out_json: Path,
    *,
    out_pdf: Path | None = None,
    stats: Path | None = None,
    dist: Path | None = None,
    analysis_manifest: Path | None = None,
    identity: Path | None = None,
) -> Findings:
    """Write the report (HTML, JSON and, when ``out_pdf`` is given, PDF) of one sample; returns its
    findings. ``stats``/``dist``: samtools stats and mosdepth dist files; ``analysis_manifest`` is cited;
    ``identity``: the sample identity result (clinwgs.identity) for the QC section."""
    findings = load_findings(findings_path)
    qc = samtools_stats(stats) if stats else {}
    provenance = analysis_provenance(analysis_manifest) if analysis_manifest else None
    checks = identity_section(identity) if identity else None
    html = render_html(findings, templates, qc, _plots(findings, dist), provenance, checks)
    if out_pdf:
        write_bytes_atomic(out_pdf, render_pdf(html, templates))
    write_text_atomic(out_json, json.dumps(report_json(findings, qc, checks), indent=2) + "\n")
    write_text_atomic(out_html, html)
    return findings
