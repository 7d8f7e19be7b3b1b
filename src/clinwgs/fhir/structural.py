"""Variant and Diagnostic Implication Observations for a structural/copy-number finding (issue 17), as the
HL7 Genomics Reporting IG models a structural variant.

Components (Variant profile slices; LOINC codes as the IG's examples use them):

- ``coding-change-type`` 48019-4 "DNA change type", valued with a Sequence Ontology term
  (http://sequenceontology.org): copy_number_loss SO:0001743, copy_number_gain SO:0001742, inversion
  SO:1000036, chromosome_breakpoint SO:0001021, insertion SO:0000667. The IG's CNV examples
  (Observation-ExampleSomaticCNV, Observation-obs1-interact-smn1-smn2,
  https://build.fhir.org/ig/HL7/genomics-reporting/) code 48019-4 with SO terms this way.
- ``copy-number`` 82155-3 "Genomic structural variant copy number" (valueQuantity, UCUM "1"), when a depth
  caller estimated it (the IG's CNV examples and LRI row B.28).
- ``exact-start-end`` 81254-5 "Genomic allele start-end" when the breakpoints are exact (no CIPOS/CIEND);
  otherwise ``inner-start-end`` 81302-2 "Structural variant inner start and end" and ``outer-start-end``
  81301-4 "Structural variant outer start and end" from the confidence intervals (LRI rows B.32/B.31; the
  IG's CNV examples give 81302-2 with 1-based coordinates).
- ``coordinate-system`` 92822-6 (LA30102-0, 1-based character counting), ``genomic-ref-seq`` 48013-7 (the
  chromosome's RefSeq accession when the bundle names it), assembly 62374-4, chromosome 48000-4,
  ``gene-studied`` 48018-6 (one per gene overlapped), ``allelic-state`` 53034-5 (from the copy number or GT),
  ``genomic-source-class`` 48002-0 Germline, ``transcript-ref-seq`` 51958-7 (the transcript the exons are
  numbered on).

All of these codes are in the record service's allowed component codes (clinwgs.service.bundle_rules).
"""

from __future__ import annotations

from typing import Any

from clinwgs.fhir.codes import ASSEMBLY_LA, CLASSIFICATION_LA, HGNC, IG, LOINC, ZYGOSITY_LA, component, loinc
from clinwgs.models.findings import Findings, StructuralFinding, Zygosity

SO = "http://sequenceontology.org"
CHANGE_TYPE = {
    "DEL": ("SO:0001743", "copy_number_loss"),
    "DUP": ("SO:0001742", "copy_number_gain"),
    "INV": ("SO:1000036", "inversion"),
    "BND": ("SO:0001021", "chromosome_breakpoint"),
    "INS": ("SO:0000667", "insertion"),
}
_CATEGORY = [
    {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}
        ]
    }
]


def _coded(code: str, display: str, system: str = LOINC) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _subject(findings: Findings) -> dict[str, Any]:
    from clinwgs.fhir.codes import SAMPLE_ID_SYSTEM

    return {"type": "Patient", "identifier": {"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}}


def _zygosity(f: StructuralFinding) -> Zygosity | None:
    e = f.event
    if e.copy_number == 0 or e.genotype in {"1/1", "1|1"}:
        return Zygosity.HOM
    if e.genotype in {"0/1", "0|1", "1|0"} or e.copy_number in {1, 3}:
        return Zygosity.HET
    return None


def structural_components(
    f: StructuralFinding, accessions: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    e = f.event
    code, display = CHANGE_TYPE[e.svtype]
    comps = [
        component(
            "48018-6", "Gene studied [ID]", valueCodeableConcept=_coded(g.hgnc_id or g.gene, g.gene, HGNC)
        )
        for g in f.genes
    ]
    comps += [
        component("48019-4", "DNA change type", valueCodeableConcept=_coded(code, display, SO)),
        component(
            "62374-4",
            "Human reference sequence assembly version",
            valueCodeableConcept=_coded(*ASSEMBLY_LA[f.genome_build]),
        ),
        component("48000-4", "Chromosome (cytogenetic) [Identifier]", valueCodeableConcept={"text": e.chrom}),
        component(
            "92822-6",
            "Genomic coord system",
            valueCodeableConcept=_coded("LA30102-0", "1-based character counting"),
        ),
        component(
            "48002-0", "Genomic source class [Type]", valueCodeableConcept=_coded("LA6683-2", "Germline")
        ),
    ]
    accession = (accessions or {}).get(e.chrom)
    if accession:
        comps.append(
            component("48013-7", "Genomic reference sequence [ID]", valueCodeableConcept={"text": accession})
        )
    if e.ci_start is None and e.ci_end is None:
        comps.append(
            component(
                "81254-5",
                "Genomic allele start-end",
                valueRange={"low": {"value": e.start1}, "high": {"value": e.end1}},
            )
        )
    else:
        cs, ce = e.ci_start or (0, 0), e.ci_end or (0, 0)
        inner = (e.start1 + max(cs[1], 0), e.end1 + min(ce[0], 0))
        outer = (e.start1 + min(cs[0], 0), e.end1 + max(ce[1], 0))
        if inner[0] <= inner[1]:
            comps.append(
                component(
                    "81302-2",
                    "Structural variant inner start and end",
                    valueRange={"low": {"value": inner[0]}, "high": {"value": inner[1]}},
                )
            )
        comps.append(
            component(
                "81301-4",
                "Structural variant outer start and end",
                valueRange={"low": {"value": max(outer[0], 1)}, "high": {"value": outer[1]}},
            )
        )
    if e.copy_number is not None:
        comps.append(
            component(
                "82155-3",
                "Genomic structural variant copy number",
                valueQuantity={"value": e.copy_number, "system": "http://unitsofmeasure.org", "code": "1"},
            )
        )
    zygosity = _zygosity(f)
    if zygosity is not None:
        comps.append(
            component("53034-5", "Allelic state", valueCodeableConcept=_coded(*ZYGOSITY_LA[zygosity]))
        )
    impact = next((g for g in f.genes if g.gene == f.gene), None)
    if impact is not None and impact.transcript:
        comps.append(
            component(
                "51958-7",
                "Transcript reference sequence [ID]",
                valueCodeableConcept={"text": impact.transcript_refseq or impact.transcript},
            )
        )
    return comps


def structural_variant_observation(
    findings: Findings, f: StructuralFinding, accessions: dict[str, str] | None = None
) -> dict[str, Any]:
    impact = next((g for g in f.genes if g.gene == f.gene), None)
    where = impact.exons_label if impact and impact.exons_label else f.consequence.replace("_", " ")
    return {
        "resourceType": "Observation",
        "meta": {"profile": [f"{IG}/variant"]},
        "status": "final",
        "category": _CATEGORY,
        "code": loinc("69548-6", "Genetic variant assessment"),
        "subject": _subject(findings),
        "valueCodeableConcept": _coded("LA9633-4", "Present"),
        "component": structural_components(f, accessions),
        "note": [
            {
                "text": f"{f.gene} {f.consequence.replace('_', ' ')} ({where}), {f.size_label}; "
                f"callers {', '.join(f.event.callers) or 'not recorded'}"
            }
        ],
    }


def structural_implication_observation(
    findings: Findings, f: StructuralFinding, variant_urn: str
) -> dict[str, Any]:
    met = [f"{c.code} ({c.points:+.2f}): {c.evidence}" for c in f.criteria if c.status == "met"]
    skipped = [c.code for c in f.criteria if c.status == "not_evaluated"]
    note = "ACMG/ClinGen CNV scoring (Riggs et al. 2020) items met: " + ("; ".join(met) or "none")
    if f.cnv_points is not None:
        note += f"; total {f.cnv_points:.2f} points"
    if skipped:
        note += ". Not evaluated: " + ", ".join(skipped)
    components = [
        component("81259-4", "Associated phenotype", valueCodeableConcept={"text": f.panel or "panel"}),
    ]
    if f.classification is not None:
        code, display = CLASSIFICATION_LA[f.classification]
        components.insert(
            0,
            component(
                "53037-8",
                "Genetic variation clinical significance [Imp]",
                valueCodeableConcept=_coded(code, display),
            ),
        )
    confirmation = (
        f"; confirmation by {f.confirmation_method or 'an orthogonal method'} required"
        if f.confirmation_required
        else ""
    )
    return {
        "resourceType": "Observation",
        "meta": {"profile": [f"{IG}/diagnostic-implication"]},
        "status": "final",
        "category": _CATEGORY,
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
        "component": components,
        "note": [
            {"text": note},
            {"text": f"{f.tier.value}; inheritance {f.inheritance or 'not stated'}{confirmation}"},
        ],
    }
