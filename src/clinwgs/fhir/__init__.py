"""findings.json -> FHIR R4 transaction Bundle following HL7 Genomics Reporting STU3."""

from clinwgs.fhir.bundle import SAMPLE_ID_SYSTEM, build_report_bundle, validate_bundle

__all__ = ["SAMPLE_ID_SYSTEM", "build_report_bundle", "validate_bundle"]
