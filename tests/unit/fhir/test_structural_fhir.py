"""FHIR for structural/copy-number findings (clinwgs.fhir.structural): the Genomics Reporting variant
Observation of a BRCA1 exons 1-2 deletion (change type, copy number, inner/outer start-end, genes studied),
validated with fhir.resources R4B, in a Bundle whose result is positive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from clinwgs.fhir import build_report_bundle
from clinwgs.models.findings import Findings
from tests.support.interpret_vcf import DATA, run
from tests.support.sv_vcf import write_sv_vcf
from tests.unit.interpret.test_sv_engine import EXON_1_2_DEL, EXON_12_DUP, GFF3, INTRONIC


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Findings:
    sv = write_sv_vcf(
        tmp_path_factory.mktemp("sv") / "HG00096.sv.vcf",
        [EXON_12_DUP, INTRONIC, EXON_1_2_DEL],
        sample="HG00096",
        contig="chr17",
        length=83_257_441,
    )
    return run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)


def _components(resource: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for c in resource["component"]:
        out.setdefault(c["code"]["coding"][0]["code"], []).append(c)
    return out


def _variants(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "69548-6"
    ]


def test_sv_variant_observation_as_the_genomics_reporting_ig_models_it(findings: Findings) -> None:
    bundle = build_report_bundle(findings)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    deletion, dup = _variants(bundle)  # reported ones only: Tier 1 deletion, Tier 2 duplication
    comps = _components(deletion)
    change = comps["48019-4"][0]["valueCodeableConcept"]["coding"][0]
    assert (change["system"], change["code"], change["display"]) == (
        "http://sequenceontology.org",
        "SO:0001743",
        "copy_number_loss",
    )
    assert comps["82155-3"][0]["valueQuantity"]["value"] == 1
    # CIPOS -20,20 around 43,116,500 and CIEND -15,15 around 43,126,000
    inner, outer = comps["81302-2"][0]["valueRange"], comps["81301-4"][0]["valueRange"]
    assert (inner["low"]["value"], inner["high"]["value"]) == (43_116_520, 43_125_985)
    assert (outer["low"]["value"], outer["high"]["value"]) == (43_116_480, 43_126_015)
    assert "81254-5" not in comps  # not exact
    assert comps["48018-6"][0]["valueCodeableConcept"]["coding"][0]["code"] == "HGNC:1100"
    assert comps["51958-7"][0]["valueCodeableConcept"]["text"] == "NM_007294.4"
    assert comps["53034-5"][0]["valueCodeableConcept"]["coding"][0]["code"] == "LA6706-1"  # heterozygous
    dup_comps = _components(dup)
    assert dup_comps["48019-4"][0]["valueCodeableConcept"]["coding"][0]["code"] == "SO:0001742"
    assert dup_comps["81254-5"][0]["valueRange"]["low"]["value"] == 43_080_001  # no CIPOS/CIEND: exact
    implications = [e["resource"] for e in bundle["entry"] if "derivedFrom" in e["resource"]]
    texts = [" ".join(n["text"] for n in r["note"]) for r in implications]
    assert any("2C-1" in t and "Tier 1" in t for t in texts)
    assert any("MLPA" in t and "Tier 2" in t for t in texts)


def test_a_tier1_sv_makes_the_report_positive(findings: Findings) -> None:
    report = build_report_bundle(findings)["entry"][0]["resource"]
    assert report["conclusionCode"][0]["coding"][0]["code"] == "LA6576-8"  # Positive
    assert "BRCA1" in report["conclusion"] and "structural" in report["conclusion"]


def test_bundle_without_sv_findings_has_no_sv_observation(tmp_path: Path) -> None:
    plain = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3)
    bundle = build_report_bundle(plain)
    assert _variants(bundle) == [] and "sequenceontology" not in str(bundle)
