"""GenomicStudy / GenomicStudyAnalysis (Procedure profiles in the R4 IG) and the pipeline's Provenance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clinwgs.fhir.codes import IG, SAMPLE_ID_SYSTEM
from clinwgs.models.findings import Findings


def _subject(findings: Findings) -> dict[str, Any]:
    return {"type": "Patient", "identifier": {"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}}


def _coverage_note(findings: Findings) -> str:
    gaps = [c for c in findings.coverage if not c.fully_assessed]
    if not gaps:
        return "All panel genes fully assessed at the coverage threshold."
    parts = [f"{c.gene} ({c.fraction_at_threshold:.1%} at {c.threshold_x}x)" for c in gaps]
    return "Not fully assessed (uncalled regions): " + ", ".join(parts)


def genomic_study(
    findings: Findings, study_urn: str, analysis_period: tuple[datetime, datetime] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """GenomicStudy and its analysis. ``analysis_period``: first step start and last step end of the
    workflow (from the provenance manifest), the analysis's ``performedPeriod``; else when findings were made.
    """
    panels = "; ".join(f"{p.name} v{p.version} ({p.source}): {', '.join(p.genes)}" for p in findings.panels)
    databases = ", ".join(f"{k} {v}" for k, v in sorted(findings.databases.items())) or "none recorded"
    study = {
        "resourceType": "Procedure",
        "meta": {"profile": [f"{IG}/genomic-study"]},
        "status": "completed",
        "code": {"text": f"Germline genome sequencing, GMS test {findings.test_code}"},
        "subject": _subject(findings),
        "performedDateTime": findings.generated_at.isoformat(),
        "note": [
            {"text": f"Reference {findings.genome_build}; pipeline clinwgs {findings.pipeline_version}"}
        ],
    }
    analysis = {
        "resourceType": "Procedure",
        "meta": {"profile": [f"{IG}/genomic-study-analysis"]},
        "partOf": [{"reference": study_urn}],
        "status": "completed",
        "code": {"text": "Germline small-variant analysis"},
        "subject": _subject(findings),
        **_performed(findings, analysis_period),
        "note": [
            {"text": f"Regions studied: {panels or 'no panel'}"},
            {"text": _coverage_note(findings)},
            {
                "text": f"Variants examined {findings.variants_examined}, "
                f"in panel {findings.variants_in_panel}; databases: {databases}"
            },
            *({"text": f"Limitation: {note}"} for note in findings.notes),
        ],
    }
    return study, analysis


def _performed(findings: Findings, period: tuple[datetime, datetime] | None) -> dict[str, Any]:
    if period is None:
        return {"performedDateTime": findings.generated_at.isoformat()}
    return {"performedPeriod": {"start": period[0].isoformat(), "end": period[1].isoformat()}}


def analysis_period(resource: dict[str, Any]) -> tuple[datetime, datetime] | None:
    """The (start, end) of a stored genomic-study-analysis Procedure, when it carries a performedPeriod."""
    period = resource.get("performedPeriod") or {}
    if not (period.get("start") and period.get("end")):
        return None
    return datetime.fromisoformat(period["start"]), datetime.fromisoformat(period["end"])


def provenance(findings: Findings, report_urn: str, manifest_sha256: str | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [{"reference": report_urn}],
        "recorded": findings.generated_at.isoformat(),
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                            "code": "author",
                        }
                    ]
                },
                "who": {"display": f"clinwgs pipeline {findings.pipeline_version}"},
            }
        ],
    }
    if manifest_sha256:
        resource["entity"] = [
            {
                "role": "source",
                "what": {"identifier": {"system": "urn:clinwgs:manifest-sha256", "value": manifest_sha256}},
            }
        ]
    return resource
