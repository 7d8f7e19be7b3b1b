"""Build the transaction Bundle for one sample's report from ``Findings`` (+ PDF, + manifest hash).

Deterministic: the same findings, PDF and manifest give the same Bundle (UUIDv5 ids), so a retried
publish carries the same content hash and the service can recognise it as a duplicate. The patient is
referenced only logically, by the pseudonymous sample ID; the record service links the real Patient.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from clinwgs.fhir.codes import IG, OVERALL_LA, SAMPLE_ID_SYSTEM, loinc
from clinwgs.fhir.family import family_resources
from clinwgs.fhir.observations import implication_observation, master_panel, variant_observation
from clinwgs.fhir.structural import structural_implication_observation, structural_variant_observation
from clinwgs.fhir.study import genomic_study, provenance
from clinwgs.models.findings import (
    Findings,
    Tier,
    incomplete_reasons,
    not_fully_assessed,
    panel_genes,
    result_status,
)
from clinwgs.models.report_inputs import REPORT_INPUTS_CONTENT_TYPE, ReportInputs, report_inputs_title

__all__ = ["SAMPLE_ID_SYSTEM", "build_report_bundle", "validate_bundle", "overall_result"]
_NAMESPACE = uuid.UUID("6f1e7a52-3c0b-4c55-9a44-1c7d1f0ad001")


def overall_result(findings: Findings) -> str:
    """positive / negative / inconclusive, as the report says (models.findings.result_status): never
    "negative" (LA6577-6) unless every gene of the panel was fully assessed."""
    return result_status(findings)


def _coverage_sentence(findings: Findings) -> str:
    genes = panel_genes(findings)
    missing = not_fully_assessed(findings, genes)
    if not missing:
        return ""
    return f" {len(missing)} of {len(genes)} genes not fully assessed: {', '.join(missing)}."


def conclusion_text(findings: Findings) -> str:
    """The DiagnosticReport.conclusion of these findings (the record service checks it against them)."""
    reasons = incomplete_reasons(findings)
    if reasons:
        return f"Analysis incomplete (not a negative result): {'; '.join(reasons)}."
    reported_sv = [f for f in findings.structural_findings if f.tier is not Tier.NONE]
    if not findings.findings and not reported_sv:
        if result_status(findings) == "negative":
            return f"Negative: no reportable variant; all genes of test {findings.test_code} fully assessed."
        return (
            f"No P/LP variant found in the regions assessed for test {findings.test_code} (inconclusive)."
            + _coverage_sentence(findings)
        )
    counts: dict[str, int] = {}
    for finding in findings.findings:
        key = f"{finding.classification.value.lower()} ({finding.tier.value})"
        counts[key] = counts.get(key, 0) + 1
    for sv in reported_sv:  # structural/copy-number findings (findings 1.3.0)
        klass = sv.classification.value.lower() if sv.classification else "not scored"
        key = f"{klass} structural ({sv.tier.value})"
        counts[key] = counts.get(key, 0) + 1
    genes = sorted({f.annotation.gene for f in findings.findings} | {f.gene for f in reported_sv})
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return f"Reported variants in {', '.join(genes)}: {parts}." + _coverage_sentence(findings)


def attachment(content: bytes, content_type: str, title: str) -> dict[str, Any]:
    """A FHIR Attachment carrying ``content`` inline (base64), with its size and SHA-1 hash."""
    return {
        "contentType": content_type,
        "language": "en-GB",
        "data": base64.b64encode(content).decode(),
        "hash": base64.b64encode(hashlib.sha1(content).digest()).decode(),  # FHIR Attachment.hash is SHA-1
        "size": len(content),
        "title": title,
    }


def _presented_forms(pdf: bytes | None, inputs: ReportInputs) -> list[dict[str, Any]]:
    """The preliminary PDF (when there is one), then the report inputs the record service renders the
    signed report from (``clinwgs.models.report_inputs``)."""
    sample_id = inputs.findings.sample_id
    forms = [attachment(pdf, "application/pdf", f"{sample_id}.report.pdf")] if pdf is not None else []
    data = inputs.model_dump_json().encode()
    return [*forms, attachment(data, REPORT_INPUTS_CONTENT_TYPE, report_inputs_title(sample_id))]


def _diagnostic_report(
    findings: Findings, urn: dict[str, str], result_urns: list[str], forms: list[dict[str, Any]]
) -> dict[str, Any]:
    overall = OVERALL_LA[overall_result(findings)]
    sample_ref = {"type": "Patient", "identifier": {"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}}
    report: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "meta": {"profile": ["http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genomic-report"]},
        "extension": [
            {
                "url": f"{IG}/genomic-study-reference",
                "valueReference": {"reference": urn["study"]},
            }
        ],
        "identifier": [{"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}],
        "basedOn": [{"type": "ServiceRequest", "display": f"GMS test directory {findings.test_code}"}],
        "status": "preliminary",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "GE"}]}],
        "code": loinc("51969-4", "Genetic analysis report"),
        "subject": sample_ref,
        "effectiveDateTime": findings.generated_at.isoformat(),
        "issued": findings.generated_at.isoformat(),
        "specimen": [
            {"type": "Specimen", "identifier": {"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}}
        ],
        "result": [{"reference": r} for r in result_urns],
        "conclusion": conclusion_text(findings),
        "conclusionCode": [
            {"coding": [{"system": "http://loinc.org", "code": overall[0], "display": overall[1]}]}
        ],
        "presentedForm": forms,
    }
    return report


def build_report_bundle(
    findings: Findings,
    pdf: bytes | None = None,
    manifest_sha256: str | None = None,
    analysis_period: tuple[datetime, datetime] | None = None,
    inputs: ReportInputs | None = None,
) -> dict[str, Any]:
    """The transaction Bundle (a plain dict, validated against fhir.resources R4B) for one sample.
    ``analysis_period`` (from the manifest the sha256 names) dates the analysis for turnaround tracking.
    ``inputs``: what the preliminary report showed besides the findings (QC, identity, provenance, depth
    curve), carried so the record service can render the signed report; default: the findings alone."""
    inputs = inputs or ReportInputs(findings=findings)
    if inputs.findings != findings:
        raise ValueError("the report inputs carry other findings than the Bundle's")
    forms = _presented_forms(pdf, inputs)
    content_key = inputs.model_dump_json() + hashlib.sha256(pdf or b"").hexdigest() + (manifest_sha256 or "")
    seed = hashlib.sha256(content_key.encode()).hexdigest()

    def new_urn(name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{seed}:{name}')}"

    urn = {"report": new_urn("report"), "study": new_urn("study"), "analysis": new_urn("analysis")}
    resources: list[tuple[str, dict[str, Any]]] = []
    result_urns: list[str] = []
    for index, finding in enumerate(findings.findings):
        variant_urn, implication_urn = new_urn(f"variant-{index}"), new_urn(f"implication-{index}")
        resources.append((variant_urn, variant_observation(findings, finding)))
        resources.append((implication_urn, implication_observation(findings, finding, variant_urn)))
        result_urns += [variant_urn, implication_urn]
    reported_sv = [f for f in findings.structural_findings if f.tier is not Tier.NONE]
    for index, sv in enumerate(reported_sv):  # structural/copy-number findings (clinwgs.fhir.structural)
        variant_urn, implication_urn = new_urn(f"sv-variant-{index}"), new_urn(f"sv-implication-{index}")
        resources.append((variant_urn, structural_variant_observation(findings, sv)))
        resources.append((implication_urn, structural_implication_observation(findings, sv, variant_urn)))
        result_urns += [variant_urn, implication_urn]
    # issue 16: relatives (FamilyMemberHistory) and their genotypes at each finding; nothing for a lone sample
    small_variant_urns = result_urns[: 2 * len(findings.findings) : 2]
    resources += family_resources(findings, small_variant_urns, new_urn)
    if result_urns:  # the master panel (81247-9) groups every variant and implication Observation
        panel_urn = new_urn("panel")
        resources.append((panel_urn, master_panel(findings, result_urns)))
        result_urns = [panel_urn, *result_urns]
    study, analysis = genomic_study(findings, urn["study"], analysis_period)
    resources += [(urn["study"], study), (urn["analysis"], analysis)]
    resources.insert(0, (urn["report"], _diagnostic_report(findings, urn, result_urns, forms)))
    resources.append((new_urn("provenance"), provenance(findings, urn["report"], manifest_sha256)))
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": u, "resource": r, "request": {"method": "POST", "url": r["resourceType"]}}
            for u, r in resources
        ],
    }
    validate_bundle(bundle)
    return bundle


# fhir.resources checks structure and datatypes but not required code bindings; check the ones we use.
_STATUS_CODES = {
    "DiagnosticReport": {
        "registered",
        "partial",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "appended",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "Observation": {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "Procedure": {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
}


def _binding_problems(bundle: dict[str, Any]) -> list[str]:
    problems = []
    for index, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") or {}
        allowed = _STATUS_CODES.get(resource.get("resourceType", ""))
        if allowed is not None and resource.get("status") not in allowed:
            problems.append(f"entry.{index}.resource.status: {resource.get('status')!r} is not a valid code")
    return problems


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate with fhir.resources (R4B) plus required status bindings; raises ValueError naming fields."""
    try:
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:20]]
        raise ValueError("FHIR Bundle is not valid R4: " + "; ".join(problems)) from exc
    problems = _binding_problems(bundle)
    if problems:
        raise ValueError("FHIR Bundle is not valid R4: " + "; ".join(problems))
