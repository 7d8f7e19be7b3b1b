"""findings.json -> FHIR transaction Bundle: valid R4B, Genomics Reporting codes, deterministic."""

from __future__ import annotations

import base64

import pytest
from fhir.resources.R4B import get_fhir_model_class

from clinwgs.fhir import build_report_bundle, validate_bundle
from tests.service.service_support import PDF
from tests.support.synthetic import example_findings


def _by_type(bundle: dict, rtype: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def test_every_resource_validates_as_its_r4b_model() -> None:
    bundle = build_report_bundle(example_findings("SBUNDLE01", 20), PDF, "cd" * 32)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    # a variant and an implication per finding, and the 81247-9 master panel grouping them
    assert len(_by_type(bundle, "Observation")) == 41


def test_report_carries_genomics_reporting_codes_and_pdf() -> None:
    bundle = build_report_bundle(example_findings("SBUNDLE01", 2), PDF, None)
    (report,) = _by_type(bundle, "DiagnosticReport")
    assert report["code"]["coding"][0]["code"] == "51969-4"
    assert report["category"][0]["coding"][0]["code"] == "GE"
    assert report["meta"]["profile"][0].endswith("/genomic-report")
    assert base64.b64decode(report["presentedForm"][0]["data"]) == PDF
    assert report["conclusionCode"][0]["coding"][0]["code"] == "LA6576-8"  # positive: Tier 1 pathogenic
    variant = next(o for o in _by_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "69548-6")
    codes = {c["code"]["coding"][0]["code"] for c in variant["component"]}
    assert {"48018-6", "48004-6", "62374-4", "81254-5", "53034-5", "48002-0"} <= codes
    implication = next(o for o in _by_type(bundle, "Observation") if "derivedFrom" in o)
    significance = implication["component"][0]["valueCodeableConcept"]["coding"][0]
    assert significance["code"] == "LA6668-3"
    assert set(r["reference"] for r in report["result"]) <= {e["fullUrl"] for e in bundle["entry"]}


def test_no_findings_gives_a_negative_report() -> None:
    findings = example_findings("SBUNDLE02", 0)
    (report,) = _by_type(build_report_bundle(findings), "DiagnosticReport")
    assert report["conclusionCode"][0]["coding"][0]["code"] == "LA6577-6"
    assert [f["contentType"] for f in report["presentedForm"]] == ["application/json"]  # no PDF: inputs only


def test_report_inputs_travel_after_the_pdf() -> None:
    """The signed report is rendered by the service from the inputs the Bundle carries (report_inputs)."""
    from clinwgs.models.report_inputs import ReportInputs

    findings = example_findings("SBUNDLE03", 2)
    inputs = ReportInputs(
        findings=findings, qc={"reads": 10.0}, identity={"status": "confirmed", "lines": []}
    )
    (report,) = _by_type(build_report_bundle(findings, PDF, inputs=inputs), "DiagnosticReport")
    pdf, carried = report["presentedForm"]
    assert pdf["contentType"] == "application/pdf" and pdf["title"] == "SBUNDLE03.report.pdf"
    assert carried["contentType"] == "application/json" and carried["title"] == "SBUNDLE03.report-inputs.json"
    assert ReportInputs.model_validate_json(base64.b64decode(carried["data"])) == inputs
    with pytest.raises(ValueError, match="other findings"):
        build_report_bundle(findings, PDF, inputs=ReportInputs(findings=example_findings("SOTHER", 1)))


def test_same_input_same_bundle_and_changed_input_changed_bundle() -> None:
    a = build_report_bundle(example_findings("SBUNDLE01", 3), PDF, "ab" * 32)
    assert a == build_report_bundle(example_findings("SBUNDLE01", 3), PDF, "ab" * 32)
    assert a != build_report_bundle(example_findings("SBUNDLE01", 3), PDF + b"x", "ab" * 32)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "not-a-status", "status"),
        ("code", None, "code"),
        ("issued", "yesterday", "issued"),
        ("bogus", 1, "bogus"),
    ],
)
def test_invalid_bundle_is_refused_with_the_field_named(field: str, value: object, message: str) -> None:
    bundle = build_report_bundle(example_findings("SBUNDLE01", 1))
    if value is None:
        del bundle["entry"][0]["resource"][field]
    else:
        bundle["entry"][0]["resource"][field] = value
    with pytest.raises(ValueError, match=f"entry.0.resource.{message}"):
        validate_bundle(bundle)


def test_limitations_and_genomic_hgvs_are_carried() -> None:
    findings = example_findings("SBUNDLE03", 1)
    finding = findings.findings[0]
    annotation = finding.annotation.model_copy(
        update={"hgvs_c": None, "hgvs_g": "NC_000017.11:g.43045700G>A"}
    )
    findings = findings.model_copy(
        update={
            "notes": ["no consequence annotation for chrM"],
            "findings": [finding.model_copy(update={"annotation": annotation})],
        }
    )
    bundle = build_report_bundle(findings)
    analysis = next(r for r in _by_type(bundle, "Procedure") if r["meta"]["profile"][0].endswith("-analysis"))
    assert {"text": "Limitation: no consequence annotation for chrM"} in analysis["note"]
    variant = next(o for o in _by_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "69548-6")
    genomic = [c for c in variant["component"] if c["code"]["coding"][0]["code"] == "81290-9"]
    assert genomic[0]["valueCodeableConcept"]["text"] == "NC_000017.11:g.43045700G>A"
