"""LOINC / HL7 codes used by the Genomics Reporting IG (STU3) resources this package writes."""

from __future__ import annotations

from typing import Any

from clinwgs.models.findings import Classification, Zygosity

LOINC = "http://loinc.org"
IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition"
IG_CS = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem"
SAMPLE_ID_SYSTEM = "https://clinwgs.nhs.example/id/sample"
HGNC = "http://www.genenames.org/geneId"

CLASSIFICATION_LA: dict[Classification, tuple[str, str]] = {
    Classification.PATHOGENIC: ("LA6668-3", "Pathogenic"),
    Classification.LIKELY_PATHOGENIC: ("LA26332-9", "Likely pathogenic"),
    Classification.VUS: ("LA26333-7", "Uncertain significance"),
    Classification.LIKELY_BENIGN: ("LA26334-5", "Likely benign"),
    Classification.BENIGN: ("LA6675-8", "Benign"),
}
ZYGOSITY_LA: dict[Zygosity, tuple[str, str]] = {
    Zygosity.HET: ("LA6706-1", "Heterozygous"),
    Zygosity.HOM: ("LA6705-3", "Homozygous"),
    Zygosity.HEMI: ("LA6707-9", "Hemizygous"),
}
ASSEMBLY_LA = {"GRCh37": ("LA14029-5", "GRCh37"), "GRCh38": ("LA26806-2", "GRCh38")}
OVERALL_LA = {
    "positive": ("LA6576-8", "Positive"),
    "negative": ("LA6577-6", "Negative"),
    "inconclusive": ("LA9663-1", "Inconclusive"),
}


def loinc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code, "display": display}]}


def component(code: str, display: str, **value: Any) -> dict[str, Any]:
    return {"code": loinc(code, display), **value}
