"""Family testing in the report Bundle (issue 16): the inheritance component of the proband's variant
Observation, a FamilyMemberHistory per sequenced relative, and each relative's genotype at each finding.

Codes and structure, with their sources:
- component ``variant-inheritance`` of the IG's Variant profile: LOINC 94186-4 "Origin of germline genetic
  variant", value from LOINC answer list LL5489-1 (extensible). Source: HL7/genomics-reporting FSH,
  ``Profile: Variant`` (``component[variant-inheritance].code = $LNC#94186-4``, ``from
  http://loinc.org/vs/LL5489-1``); STU2 published the same component as TbdCodes#variant-inheritance with
  ValueSet variant-inheritance-vs = LA26320-4 Maternal, LA26321-2 Paternal, LA4489-6 Unknown
  (hl7.org/fhir/uv/genomics-reporting ValueSet-variant-inheritance-vs, v2.0.0).
- LA26807-0 "De novo": the IG's genomic-source-class answer list LL378-1 (Variant profile
  ``component[genomic-source-class]``: "Germline | Somatic | ... | De novo"); LL5489-1 lists it too, as does
  LA30680-5 "Parental" (used here for a homozygous allele from both parents) according to a published FSH
  value set that enumerates LL5489-1. LA30680-5 is not in the IG's own STU2 value set: check it against
  loinc.org before relying on it outside this pipeline.
- A relative is a FamilyMemberHistory (FHIR R4) with the core extension
  ``family-member-history-genetics-observation`` pointing at the relative's genotype Observations, which
  carry the relative as ``focus`` and the relative's pseudonymous sample as ``specimen`` (logical references:
  the record service links real patients; no patient identifier is ever written here). Relationship codes:
  HL7 v3 RoleCode (FTH father, MTH mother, SIB sibling, FAMMEMB family member).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clinwgs.fhir.codes import LOINC, SAMPLE_ID_SYSTEM, component, loinc
from clinwgs.models.findings import Finding, Findings, MemberGenotype

INHERITANCE_LOINC = ("94186-4", "Origin of germline genetic variant")
INHERITANCE_LA: dict[str, tuple[str, str]] = {
    "de_novo": ("LA26807-0", "De novo"),
    "inherited_paternal": ("LA26321-2", "Paternal"),
    "inherited_maternal": ("LA26320-4", "Maternal"),
    "x_linked_maternal": ("LA26320-4", "Maternal"),
    "homozygous_biparental": ("LA30680-5", "Parental"),
    "phase_unknown": ("LA4489-6", "Unknown"),
}
_FROM_PARENT = {"father": ("LA26321-2", "Paternal"), "mother": ("LA26320-4", "Maternal")}
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
_ROLES = {"father": ("FTH", "father"), "mother": ("MTH", "mother"), "sibling": ("SIB", "sibling")}
GENETICS_OBSERVATION = "http://hl7.org/fhir/StructureDefinition/family-member-history-genetics-observation"
_PRESENT, _ABSENT = ("LA9633-4", "Present"), ("LA9634-2", "Absent")
_ZYGOSITY = {1: ("LA6706-1", "Heterozygous"), 2: ("LA6705-3", "Homozygous")}


def _coded(code: str, display: str, system: str = LOINC) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def inheritance_components(finding: Finding) -> list[dict[str, Any]]:
    """The 94186-4 component of the proband's variant Observation (none for a lone sample)."""
    seg = finding.segregation
    if seg is None:
        return []
    if seg.pattern == "compound_heterozygous":  # each allele of a compound heterozygote has one parent
        code = _FROM_PARENT.get(seg.inherited_from or "", INHERITANCE_LA["phase_unknown"])
    else:
        code = INHERITANCE_LA[seg.pattern]
    value = {**_coded(*code), "text": seg.description}
    return [component(*INHERITANCE_LOINC, valueCodeableConcept=value)]


def _proband_ref(findings: Findings) -> dict[str, Any]:
    return {"type": "Patient", "identifier": {"system": SAMPLE_ID_SYSTEM, "value": findings.sample_id}}


def _member_history(findings: Findings, member: Any, observation_urns: list[str]) -> dict[str, Any]:
    code, display = _ROLES.get(member.relation.lower(), ("FAMMEMB", "family member"))
    return {
        "resourceType": "FamilyMemberHistory",
        "identifier": [{"system": SAMPLE_ID_SYSTEM, "value": member.sample_id}],
        "status": "completed",
        "patient": _proband_ref(findings),
        "relationship": {"coding": [{"system": ROLE_CODE, "code": code, "display": display}]},
        "sex": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/administrative-gender",
                    "code": member.sex,
                    "display": member.sex,
                }
            ]
        },
        "note": [
            {
                "text": f"sequenced in family {findings.family.family_id if findings.family else ''}; "
                f"affected status: {member.affected}"
            }
        ],  # fmt: skip
        "extension": [
            {"url": GENETICS_OBSERVATION, "valueReference": {"reference": u}} for u in observation_urns
        ],
    }


def _member_observation(
    findings: Findings, finding: Finding, genotype: MemberGenotype, history_urn: str, proband_variant_urn: str
) -> dict[str, Any]:
    v, a = finding.variant, finding.annotation
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": ["http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant"]},
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
        "subject": _proband_ref(findings),
        "focus": [{"reference": history_urn}],
        "specimen": {
            "type": "Specimen",
            "identifier": {"system": SAMPLE_ID_SYSTEM, "value": genotype.sample_id},
        },
        "derivedFrom": [{"reference": proband_variant_urn}],
        "note": [
            {
                "text": f"{genotype.relation} ({genotype.affected}): genotype {genotype.genotype} at "
                f"{v.chrom}:{v.pos1} {v.ref}>{v.alt} ({a.gene})"
            }
        ],  # fmt: skip
        "component": [
            component(
                "48018-6",
                "Gene studied [ID]",
                valueCodeableConcept=_coded(a.hgnc_id or a.gene, a.gene, "http://www.genenames.org/geneId"),
            ),  # fmt: skip
            component(
                "48000-4", "Chromosome (cytogenetic) [Identifier]", valueCodeableConcept={"text": v.chrom}
            ),
            component(
                "81254-5",
                "Genomic allele start-end",
                valueRange={"low": {"value": v.pos1}, "high": {"value": v.pos1 + len(v.ref) - 1}},
            ),  # fmt: skip
            component("69547-8", "Genomic ref allele [ID]", valueString=v.ref),
            component("69551-0", "Genomic alt allele [ID]", valueString=v.alt),
        ],
    }
    if genotype.alt_copies is None:
        obs["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "not-performed",
                }
            ],
            "text": f"no call ({genotype.genotype})",
        }
    else:
        obs["valueCodeableConcept"] = _coded(*(_PRESENT if genotype.alt_copies > 0 else _ABSENT))
        if genotype.alt_copies > 0:
            state = _ZYGOSITY.get(min(genotype.alt_copies, 2), _ZYGOSITY[1])
            if "/" not in genotype.genotype and "|" not in genotype.genotype:
                state = ("LA6707-9", "Hemizygous")
            obs["component"].append(
                component("53034-5", "Allelic state", valueCodeableConcept=_coded(*state))
            )
    if genotype.depth is not None:
        obs["component"].append(
            component("82121-5", "Allelic read depth", valueQuantity={"value": genotype.depth})
        )
    if genotype.allele_fraction is not None:
        obs["component"].append(
            component(
                "81258-6",
                "Sample variant allelic frequency [NFr]",
                valueQuantity={"value": genotype.allele_fraction},
            )
        )
    return obs


def family_resources(
    findings: Findings, variant_urns: list[str], new_urn: Callable[[str], str]
) -> list[tuple[str, dict[str, Any]]]:
    """A FamilyMemberHistory per sequenced relative and, per reported finding, the relative's genotype
    Observation (``variant_urns[i]`` is the proband's variant Observation of ``findings.findings[i]``)."""
    if findings.family is None:
        return []
    relatives = [m for m in findings.family.members if m.sample_id != findings.sample_id]
    history_urn = {m.sample_id: new_urn(f"family-{m.sample_id}") for m in relatives}
    observations: dict[str, list[tuple[str, dict[str, Any]]]] = {m.sample_id: [] for m in relatives}
    for index, finding in enumerate(findings.findings):
        for genotype in finding.family_genotypes or []:
            if genotype.sample_id not in observations:
                continue
            urn = new_urn(f"family-{genotype.sample_id}-variant-{index}")
            observations[genotype.sample_id].append(
                (
                    urn,
                    _member_observation(
                        findings, finding, genotype, history_urn[genotype.sample_id], variant_urns[index]
                    ),
                )
            )
    out: list[tuple[str, dict[str, Any]]] = []
    for member in relatives:
        mine = observations[member.sample_id]
        out.append((history_urn[member.sample_id], _member_history(findings, member, [u for u, _ in mine])))
        out += mine
    return out
