"""Bundles for tests: real findings models -> clinwgs.fhir bundles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clinwgs.fhir import build_report_bundle
from clinwgs.service.synthetic import example_findings

PDF = b"%PDF-1.4\n% clinwgs test report\n"


def bundle_for(sample_id: str, n_variants: int = 3, variant: int = 0) -> dict[str, Any]:
    """A report bundle; ``variant`` changes generated_at so the content (and hash) differs."""
    findings = example_findings(sample_id, n_variants)
    if variant:
        findings = findings.model_copy(
            update={"generated_at": datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=variant)}
        )
    return build_report_bundle(findings, PDF, "ab" * 32)
