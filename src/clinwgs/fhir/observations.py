"""Variant and DiagnosticImplication Observations (Genomics Reporting STU3 profiles)."""

from __future__ import annotations

import re
from typing import Any

from clinwgs.fhir.codes import (
    ASSEMBLY_LA,
    CLASSIFICATION_LA,
    HGNC,
    IG,
    LOINC,
    SAMPLE_ID_SYSTEM,
    ZYGOSITY_LA,
    component,
    loinc,
)
from clinwgs.fhir.family import inheritance_components
from clinwgs.models.findings import Finding, Findings

CLINVAR = "http://www.ncbi.nlm.nih.gov/clinvar"
DBSNP = "http://www.ncbi.nlm.nih.gov/projects/SNP"


def _coded(code: str, display: str, system: str = LOINC) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _subject(findings: Findings) -> dict[str, Any]:
    return {"type": "Patient", "identifier": {"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}}


def _variant_components(finding: Finding) -> list[dict[str, Any]]:
    v, a = finding.variant, finding.annotation
    gene = _coded(a.hgnc_id or a.gene, a.gene, HGNC)
    end1 = v.pos1 + len(v.ref) - 1
    comps = [
        component("48018-6", "Gene studied [ID]", valueCodeableConcept=gene),
        component(
            "62374-4",
            "Human reference sequence assembly version",
            valueCodeableConcept=_coded(*ASSEMBLY_LA[v.genome_build]),
        ),
        component("48000-4", "Chromosome (cytogenetic) [Identifier]", valueCodeableConcept={"text": v.chrom}),
        component(
            "92822-6",
            "Genomic coord system",
            valueCodeableConcept=_coded("LA30102-0", "1-based character counting"),
        ),
        component(
            "81254-5",
            "Genomic allele start-end",
            valueRange={"low": {"value": v.pos1}, "high": {"value": end1}},
        ),
        component("69547-8", "Genomic ref allele [ID]", valueString=v.ref),
        component("69551-0", "Genomic alt allele [ID]", valueString=v.alt),
        component("53034-5", "Allelic state", valueCodeableConcept=_coded(*ZYGOSITY_LA[v.zygosity])),
        component(
            "48002-0", "Genomic source class [Type]", valueCodeableConcept=_coded("LA6683-2", "Germline")
        ),
    ]
    if a.transcript:
        comps.append(
            component(
                "51958-7", "Transcript reference sequence [ID]", valueCodeableConcept={"text": a.transcript}
            )
        )
    if a.hgvs_c:
        comps.append(component("48004-6", "DNA change (c.HGVS)", valueCodeableConcept={"text": a.hgvs_c}))
    hgvs_g = a.hgvs_g
    if hgvs_g:  # 81290-9 whenever the genomic change is known, beside c. (48004-6) and p. (48005-3)
        comps.append(
            component("81290-9", "Genomic DNA change (gHGVS)", valueCodeableConcept={"text": hgvs_g})
        )
    if a.hgvs_p:
        comps.append(
            component("48005-3", "Amino acid change (pHGVS)", valueCodeableConcept={"text": a.hgvs_p})
        )
    if v.allele_fraction is not None:
        comps.append(
            component(
                "81258-6",
                "Sample variant allelic frequency [NFr]",
                valueQuantity={"value": round(v.allele_fraction, 4)},
            )
        )
    if v.depth is not None:
        comps.append(component("82121-5", "Allelic read depth", valueQuantity={"value": v.depth}))
    if finding.clinvar and finding.clinvar.accession:
        comps += variation_code_components(finding.clinvar.accession)
    return comps


def variation_code_components(accession: str) -> list[dict[str, Any]]:
    """ClinVar accessions (VCV/RCV, or a bare variation ID) as 81252-9, each coded in the ClinVar system;
    dbSNP rsIDs in their own 81255-2 component (``accession`` may hold several, split on | , ;)."""
    comps = []
    for acc in (a.strip() for a in re.split(r"[|,;]", accession)):
        if not acc:
            continue
        if acc.lower().startswith("rs"):
            comps.append(component("81255-2", "dbSNP [ID]", valueCodeableConcept=_coded(acc, acc, DBSNP)))
        else:
            comps.append(
                component(
                    "81252-9",
                    "Discrete genetic variant",
                    valueCodeableConcept=_coded(acc, f"ClinVar {acc}", CLINVAR),
                )
            )
    return comps


def master_panel(findings: Findings, member_urns: list[str]) -> dict[str, Any]:
    """The 81247-9 master panel Observation grouping the variant and implication Observations."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": loinc("81247-9", "Master HL7 genetic variant reporting panel"),
        "subject": _subject(findings),
        "hasMember": [{"reference": urn} for urn in member_urns],
    }


def variant_observation(findings: Findings, finding: Finding) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "meta": {"profile": [f"{IG}/variant"]},
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": loinc("69548-6", "Genetic variant assessment"),
        "subject": _subject(findings),
        "valueCodeableConcept": _coded("LA9633-4", "Present"),
        "component": [*_variant_components(finding), *inheritance_components(finding)],
    }


def _criteria_note(finding: Finding) -> str:
    met = [
        f"{c.code} ({c.strength or c.direction}): {c.evidence}" for c in finding.criteria if c.status == "met"
    ]
    skipped = [c.code for c in finding.criteria if c.status == "not_evaluated"]
    text = "ACMG/AMP criteria met: " + ("; ".join(met) if met else "none")
    if skipped:
        text += ". Not evaluated: " + ", ".join(skipped)
    if finding.clinvar:
        cv = finding.clinvar
        text += f". ClinVar ({cv.release}): {cv.significance}, {cv.review_status} ({cv.stars} stars)"
    return text


def implication_observation(findings: Findings, finding: Finding, variant_urn: str) -> dict[str, Any]:
    code, display = CLASSIFICATION_LA[finding.classification]
    return {
        "resourceType": "Observation",
        "meta": {"profile": [f"{IG}/diagnostic-implication"]},
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs",
                    "code": "diagnostic-implication",
                    "display": "Diagnostic Implication",
                }
            ]
        },
        "subject": _subject(findings),
        "derivedFrom": [{"reference": variant_urn}],
        "component": [
            component(
                "53037-8",
                "Genetic variation clinical significance [Imp]",
                valueCodeableConcept=_coded(code, display),
            ),
            component("81259-4", "Associated phenotype", valueCodeableConcept={"text": finding.panel}),
        ],
        "note": [
            {"text": _criteria_note(finding)},
            {"text": f"{finding.tier.value}; inheritance {finding.inheritance or 'not stated'}"},
        ],
    }
