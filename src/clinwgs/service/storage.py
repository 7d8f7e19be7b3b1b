"""Turn a validated transaction Bundle into stored resources for one report version.

The server assigns resource ids, rewrites ``urn:uuid`` references, links the real Patient in place of
the logical sample-ID reference, and adds a Provenance for the write (prior version on amendment).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from clinwgs.fhir.codes import SAMPLE_ID_SYSTEM
from clinwgs.service.auth import Principal
from clinwgs.service.models import FhirResource, Patient, Report, TestRequest
from clinwgs.service.problems import ApiError

REQUEST_SYSTEM = "https://clinwgs.nhs.example/id/test-request"


def content_hash(bundle: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(bundle, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def report_entry(bundle: dict[str, Any]) -> tuple[str, str]:
    """(sample ID, test code) named by the Bundle's single DiagnosticReport."""
    reports = [
        e.get("resource", {})
        for e in bundle.get("entry") or []
        if e.get("resource", {}).get("resourceType") == "DiagnosticReport"
    ]
    if len(reports) != 1:
        raise ApiError(422, f"the Bundle must hold exactly one DiagnosticReport (found {len(reports)})")
    samples = [
        i.get("value") for i in reports[0].get("identifier") or [] if i.get("system") == SAMPLE_ID_SYSTEM
    ]
    if len(samples) != 1 or not isinstance(samples[0], str):
        raise ApiError(422, f"the DiagnosticReport needs one identifier with system {SAMPLE_ID_SYSTEM}")
    display = ((reports[0].get("basedOn") or [{}])[0].get("display") or "").split()
    return samples[0], display[-1] if display else ""


def _link(node: Any, sample_id: str, patient_ref: str, ids: dict[str, str]) -> Any:
    if isinstance(node, dict):
        ident = node.get("identifier")
        if node.get("type") == "Patient" and isinstance(ident, dict) and ident.get("value") == sample_id:
            return {"reference": patient_ref}
        return {k: _link(v, sample_id, patient_ref, ids) for k, v in node.items()}
    if isinstance(node, list):
        return [_link(v, sample_id, patient_ref, ids) for v in node]
    if isinstance(node, str) and node in ids:
        return ids[node]
    return node


def _provenance(row: Report, principal: Principal, prior: Report | None) -> dict[str, Any]:
    activity = "UPDATE" if prior else "CREATE"
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [{"reference": f"DiagnosticReport/{row.report_id}/_history/{row.version}"}],
        "recorded": datetime.now(UTC).isoformat(),
        "activity": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation", "code": activity}]
        },
        "agent": [{"who": {"display": f"{principal.user} ({principal.role}, {principal.ods_code})"}}],
    }
    if prior is not None:
        resource["entity"] = [
            {
                "role": "revision",
                "what": {"reference": f"DiagnosticReport/{prior.report_id}/_history/{prior.version}"},
            }
        ]
    return resource


def store_version(
    session: Session,
    bundle: dict[str, Any],
    row: Report,
    request: TestRequest,
    principal: Principal,
    prior: Report | None,
) -> None:
    """Insert ``row`` and its resources; raises IntegrityError if the business key is already taken."""
    session.add(row)
    session.flush()
    patient = session.get(Patient, request.patient_id)
    assert patient is not None
    entries = bundle["entry"]
    ids: dict[str, str] = {}
    for entry in entries:
        rtype = entry["resource"]["resourceType"]
        new_id = row.report_id if rtype == "DiagnosticReport" else uuid.uuid4().hex
        ids[entry["fullUrl"]] = f"{rtype}/{new_id}"
    for entry in entries:
        resource = _link(entry["resource"], row.specimen_id, f"Patient/{patient.fhir_id}", ids)
        rtype, rid = ids[entry["fullUrl"]].split("/")
        resource["id"] = rid
        resource.setdefault("meta", {})["versionId"] = str(row.version)
        if rtype == "DiagnosticReport":
            resource["basedOn"] = [
                {
                    "type": "ServiceRequest",
                    "display": f"GMS test {request.test_code}",
                    "identifier": {"system": REQUEST_SYSTEM, "value": request.request_id},
                }
            ]
            rid = f"{row.report_id}.{row.version}"
        session.add(
            FhirResource(id=rid, resource_type=rtype, report_row_id=row.id, body=json.dumps(resource))
        )
    prov = _provenance(row, principal, prior)
    prov["id"] = uuid.uuid4().hex
    session.add(
        FhirResource(id=prov["id"], resource_type="Provenance", report_row_id=row.id, body=json.dumps(prov))
    )
    session.flush()
