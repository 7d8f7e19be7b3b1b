"""What the record service needs to render the signed report: the report stage's inputs, not its layout.

The pipeline renders the preliminary report; the signed (final) one is rendered by the record service after
two-person authorisation, from the same inputs, so that it says exactly what the checked preliminary said
plus the sign-off. These inputs travel in the published Bundle as the DiagnosticReport's second
``presentedForm`` attachment (``application/json``, title ``<sample>.report-inputs.json``), built by
``clinwgs.fhir.bundle`` and read back by ``clinwgs.service.signing``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clinwgs.models.findings import Findings

REPORT_INPUTS_SCHEMA_VERSION = "1.0.0"
REPORT_INPUTS_CONTENT_TYPE = "application/json"


def report_inputs_title(sample_id: str) -> str:
    return f"{sample_id}.report-inputs.json"


class ReportInputs(BaseModel):
    """findings.json plus the QC values, identity section, cited analysis provenance and depth curve that the
    preliminary report showed (each absent when the report stage had none)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: str = REPORT_INPUTS_SCHEMA_VERSION
    findings: Findings
    qc: dict[str, float] = Field(default_factory=dict)
    identity: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None
    depth_points: list[tuple[float, float]] | None = None
