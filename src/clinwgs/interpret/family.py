"""Family evidence for the interpreter (issue 16): the pedigree and family QC read from the family stage's
JSON, ACMG PS2 / PM6 / PM3 from segregation, whether a segregation fits the gene's mode of inheritance
(with unaffected-parent filtering), and GEL's de novo Tier 1 rule.

ACMG/AMP 2015 (Richards et al., Genet Med 17:405, Table 3):
- PS2 (strong): de novo (both maternity and paternity confirmed) in a patient with the disease and no family
  history. Here: both parental genotypes confirm absence (segregation ``parents_confirmed``) and the family QC
  passed (relatedness confirms parentage), and no trio-dnm2 posterior below ``DNM_MIN_PROBABILITY``.
- PM6 (moderate): assumed de novo, but without confirmation of paternity and maternity (family QC not run or
  not passed, or a low trio-dnm2 posterior).
- PM3 (moderate): for recessive disorders, detected in trans with a pathogenic variant. Here: compound
  heterozygous by parental genotypes, the other allele classified pathogenic or likely pathogenic, in a gene
  whose mode is recessive (autosomal, or X-linked in a female) or unknown.
GEL tiering (Genomics England rare disease tiering, 100,000 Genomes Project): a de novo protein-altering
variant in a panel gene whose mode is dominant (MONOALLELIC) is Tier 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.acmg import Crit
from clinwgs.interpret.inheritance import Mode
from clinwgs.models.family import FamilyQC, Pedigree
from clinwgs.models.findings import (
    Classification,
    FamilyMemberSummary,
    FamilySummary,
    MemberGenotype,
    SegregationResult,
)

DNM_MIN_PROBABILITY = 0.5  # below it a genotype-level de novo is only "assumed" (PM6), never PS2
_P_LP = (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC)
NO_QC = (
    "family QC not supplied: parentage is not confirmed, so a de novo variant is only assumed de novo (PM6), "
    "never confirmed (PS2)"
)


@dataclass(frozen=True)
class FamilyEvidence:
    segregation: SegregationResult
    genotypes: list[MemberGenotype]


def _load_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputIntegrityError(f"cannot read {what}: {exc}", path=path) from exc


def _major(data: object, path: Path, what: str) -> None:
    version = str(data.get("schema_version", "1")) if isinstance(data, dict) else "?"
    if version.split(".")[0] != "1":
        raise InputIntegrityError(f"{what} schema {version} is not supported (expected 1.x)", path=path)


def load_pedigree(path: Path) -> Pedigree:
    data = _load_json(path, "pedigree JSON")
    _major(data, path, "pedigree")
    try:
        return Pedigree.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputIntegrityError(f"pedigree JSON: {where}: {first['msg']}", path=path) from exc


def load_family_qc(path: Path) -> FamilyQC:
    data = _load_json(path, "family QC JSON")
    _major(data, path, "family QC")
    try:
        return FamilyQC.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputIntegrityError(f"family QC JSON: {where}: {first['msg']}", path=path) from exc


def summary(pedigree: Pedigree, qc: FamilyQC | None) -> FamilySummary:
    return FamilySummary(
        family_id=pedigree.family_id,
        proband=pedigree.proband,
        members=[
            FamilyMemberSummary(sample_id=m.sample_id, relation=m.relation, sex=m.sex, affected=m.affected)
            for m in pedigree.members
        ],
        qc_status=qc.status if qc is not None else "not_run",
        qc_checks=list(qc.checks) if qc is not None else [],
        qc_release_blockers=list(qc.release_blockers) if qc is not None else [],
    )


def _crit(code: str, met: bool | None, strength: str, evidence: str) -> Crit:
    status = "not_evaluated" if met is None else "met" if met else "not_met"
    return Crit(code, status, strength, "pathogenic", evidence)


def credited_de_novo(seg: SegregationResult) -> bool:
    """A de novo allele that passed the workflow's read-level de novo checks (only these count as de novo for
    the mode fit and GEL's de novo Tier 1)."""
    return seg.pattern == "de_novo" and not seg.de_novo_checks_failed


def _recessive(mode: Mode, sex: str) -> bool:
    return mode in (Mode.RECESSIVE, Mode.UNKNOWN) or (mode is Mode.X_RECESSIVE and sex != "male")


def family_criteria(
    seg: SegregationResult,
    gene: str,
    mode: Mode,
    sex: str,
    qc_status: str,
    partner_class: Classification | None,
) -> list[Crit]:
    """PS2, PM6 and PM3 for one allele, each with its evidence."""
    pattern, words = seg.pattern, seg.description
    if pattern == "phase_unknown":
        why = f"segregation not established: {words}"
        ps2 = _crit("PS2", None, "strong", why)
        pm6 = _crit("PM6", None, "moderate", why)
    elif pattern == "de_novo" and seg.de_novo_checks_failed:
        # the workflow's own de novo filter rejected the call on its reads (e.g. too few ALT reads in the
        # proband): no de novo evidence is credited, confirmed or assumed
        why = f"{words}: not credited as de novo evidence"
        ps2 = _crit("PS2", False, "strong", why)
        pm6 = _crit("PM6", False, "moderate", why)
    elif pattern == "de_novo":
        low = seg.de_novo_probability is not None and seg.de_novo_probability < DNM_MIN_PROBABILITY
        confirmed = seg.parents_confirmed and qc_status == "pass" and not low
        if confirmed:
            ps2 = _crit(
                "PS2", True, "strong", f"{words}; parentage confirmed by family QC (relatedness pass)"
            )
            pm6 = _crit("PM6", False, "moderate", "confirmed de novo: PS2 applies instead")
        else:
            because = (
                f"trio-dnm2 posterior {seg.de_novo_probability:.3g} below {DNM_MIN_PROBABILITY}"
                if low
                else f"parentage not confirmed (family QC {qc_status.replace('_', ' ')})"
            )
            ps2 = _crit("PS2", False, "strong", f"{words}; {because}: assumed de novo (PM6)")
            pm6 = _crit("PM6", True, "moderate", f"assumed de novo: {words}; {because}")
    else:
        ps2 = _crit("PS2", False, "strong", f"not de novo: {words}")
        pm6 = _crit("PM6", False, "moderate", f"not de novo: {words}")
    if pattern == "compound_heterozygous" and seg.partner:
        if not _recessive(mode, sex):
            pm3 = _crit(
                "PM3", False, "moderate", f"{words}; but {gene} is not a recessive gene ({mode.value})"
            )
        elif partner_class in _P_LP:
            assert partner_class is not None
            pm3 = _crit(
                "PM3", True, "moderate",
                f"in trans with {seg.partner}, classified {partner_class.value.lower()} (phase from the "
                "parents' genotypes)",
            )  # fmt: skip
        else:
            shown = partner_class.value.lower() if partner_class else "not classified"
            pm3 = _crit("PM3", False, "moderate", f"in trans with {seg.partner}, but it is {shown}")
    elif pattern == "phase_unknown":
        pm3 = _crit("PM3", None, "moderate", f"phase not established: {words}")
    else:
        pm3 = _crit("PM3", False, "moderate", f"no second allele in trans in {gene} ({words})")
    return [ps2, pm6, pm3]


def family_fits(
    mode: Mode,
    seg: SegregationResult,
    pedigree: Pedigree,
    incompletely_penetrant: bool,
    sex: str,
    qualifying_in_gene: int,
) -> tuple[bool, str] | None:
    """Whether the segregation fits the gene's mode of inheritance; None when the family cannot tell (the
    lone-sample rule then applies). A dominant allele carried by an unaffected parent does not fit unless the
    gene is marked incompletely penetrant."""
    pattern = seg.pattern
    if pattern == "phase_unknown" or (pattern == "de_novo" and not credited_de_novo(seg)):
        return None  # a de novo call the read-level checks rejected tells nothing about inheritance
    if mode in (Mode.DOMINANT, Mode.X_DOMINANT):
        if pattern == "de_novo":
            return True, f"{mode.value}: de novo"
        parents = {"father": [pedigree.father], "mother": [pedigree.mother]}.get(
            seg.inherited_from or "", [pedigree.father, pedigree.mother]
        )
        members = [pedigree.member(p) for p in parents if p]
        unaffected = [m for m in members if m.affected == "unaffected"]
        if members and len(unaffected) == len(members):
            who = " and ".join(m.relation for m in unaffected)
            if incompletely_penetrant:
                return (
                    True,
                    f"{mode.value}: carried by the unaffected {who}; the gene is incompletely penetrant",
                )
            return False, (
                f"{mode.value}: carried by the unaffected {who}, and the gene is not marked incompletely "
                "penetrant"
            )
        return True, f"{mode.value}: inherited ({seg.description})"
    if mode is Mode.X_RECESSIVE and sex == "male":
        if pattern in ("x_linked_maternal", "de_novo"):
            return True, f"{mode.value}: hemizygous in a male ({pattern.replace('_', ' ')})"
        return None
    if _recessive(mode, sex) and mode is not Mode.UNKNOWN:
        if pattern in ("homozygous_biparental", "compound_heterozygous"):
            return True, f"{mode.value}: {pattern.replace('_', ' ')} (phase from the parents)"
        if pattern in ("inherited_paternal", "inherited_maternal") and qualifying_in_gene < 2:
            return False, f"{mode.value}: a single inherited heterozygous allele (carrier)"
        if pattern in ("inherited_paternal", "inherited_maternal") and "in cis" in seg.description:
            return False, f"{mode.value}: the gene's alleles are in cis (same parent)"
    return None


def gel_tier1(seg: SegregationResult | None, mode: Mode, protein_altering: bool) -> bool:
    """GEL: a de novo protein-altering variant in a panel gene with a dominant mode is Tier 1 (not when the
    workflow's read-level de novo checks failed)."""
    return (
        seg is not None
        and credited_de_novo(seg)
        and protein_altering
        and mode in (Mode.DOMINANT, Mode.X_DOMINANT)
    )


def release_blockers(family: FamilySummary) -> list[str]:
    """The family QC's release blockers (a failed QC always blocks, with its failed checks named)."""
    if family.qc_release_blockers or family.qc_status != "fail":
        return list(family.qc_release_blockers)
    failed = [f"{c.name} {c.subject}: {c.message}" for c in family.qc_checks if c.status == "fail"]
    return [f"family QC failed: {'; '.join(failed) or 'no failed check recorded'}"]
