"""FHIR for family testing (issue 16): the proband's variant Observation carries the inheritance component
(LOINC 94186-4, LL5489-1 answers), each relative is a FamilyMemberHistory with its genotype Observations
(focus + specimen), the Bundle validates with fhir.resources (R4B) and passes the record service's shape,
code and subject rules; a lone sample's Bundle has none of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from clinwgs.fhir.bundle import build_report_bundle, validate_bundle
from clinwgs.service import bundle_rules
from tests.support.family_vcf import trio_findings as _trio


def _of(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def _component(obs: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((c for c in obs.get("component", []) if c["code"]["coding"][0]["code"] == code), None)


def test_family_bundle_validates_and_carries_inheritance_and_relatives(tmp_path: Path) -> None:
    findings = _trio(tmp_path)
    bundle = build_report_bundle(findings)
    validate_bundle(bundle)
    Bundle.model_validate(bundle)  # fhir.resources R4B, explicitly
    variants = [o for o in _of(bundle, "Observation") if "focus" not in o and _component(o, "69551-0")]
    inheritance = {
        _component(o, "81254-5")["valueRange"]["low"]["value"]: _component(o, "94186-4")  # type: ignore[index]
        for o in variants
    }
    de_novo, paternal = inheritance[166_000_000], inheritance[166_002_000]
    assert de_novo is not None and de_novo["valueCodeableConcept"]["coding"][0]["code"] == "LA26807-0"
    assert de_novo["valueCodeableConcept"]["text"].startswith("de novo (absent in both parents")
    assert paternal is not None and paternal["valueCodeableConcept"]["coding"][0]["code"] == "LA26321-2"
    histories = _of(bundle, "FamilyMemberHistory")
    assert [h["relationship"]["coding"][0]["code"] for h in histories] == ["FTH", "MTH"]
    # each relative: one genotype Observation per reported finding, linked both ways
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    for history in histories:
        linked = [urls[x["valueReference"]["reference"]] for x in history["extension"]]
        assert len(linked) == len(findings.findings)
        assert all(o["specimen"]["identifier"]["value"] == history["identifier"][0]["value"] for o in linked)
    father_obs = [urls[x["valueReference"]["reference"]] for x in histories[0]["extension"]]
    de_novo_father = next(
        o for o in father_obs if _component(o, "81254-5")["valueRange"]["low"]["value"] == 166_000_000
    )  # type: ignore[index]
    assert de_novo_father["valueCodeableConcept"]["coding"][0]["code"] == "LA9634-2"  # Absent
    assert _component(de_novo_father, "82121-5")["valueQuantity"]["value"] == 31  # type: ignore[index]


def test_family_bundle_passes_the_record_service_rules(tmp_path: Path) -> None:
    findings = _trio(tmp_path)
    bundle = build_report_bundle(findings)
    bundle_rules.check_shape(bundle)
    bundle_rules.check_codes(bundle)
    bundle_rules.check_subjects(bundle, findings.sample_id, "not-used")


def test_lone_sample_bundle_has_no_family_resources(tmp_path: Path) -> None:
    findings = _trio(tmp_path).model_copy(update={"family": None})
    findings = findings.model_copy(
        update={
            "findings": [
                f.model_copy(update={"segregation": None, "family_genotypes": None})
                for f in findings.findings
            ]
        }
    )
    bundle = build_report_bundle(findings)
    assert not _of(bundle, "FamilyMemberHistory")
    assert not any(_component(o, "94186-4") for o in _of(bundle, "Observation"))


def test_every_segregation_pattern_has_an_inheritance_answer() -> None:
    """A compound heterozygous allele is coded by the parent it came from (the demo trio's proband has two):
    no pattern of the findings contract may crash the Bundle."""
    from typing import get_args

    from clinwgs.fhir.family import inheritance_components
    from clinwgs.models.findings import Finding, Segregation, SegregationResult

    for pattern in get_args(Segregation):
        for parent in ("father", "mother", None):
            seg = SegregationResult(
                pattern=pattern, description="d", parents_confirmed=True, inherited_from=parent
            )
            stub = Finding.model_construct(segregation=seg)
            (comp,) = inheritance_components(stub)
            code = comp["valueCodeableConcept"]["coding"][0]["code"]
            if pattern == "compound_heterozygous":
                assert code == {"father": "LA26321-2", "mother": "LA26320-4", None: "LA4489-6"}[parent]
