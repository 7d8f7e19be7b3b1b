"""ACMG/AMP 2015 criteria that can be evaluated offline from an annotated VCF, each with its evidence.

Evaluated: PVS1 (null variant in a gene where loss of function is an established mechanism), PM2_Supporting
(absent or ultra-rare in the population data; ClinGen SVI 2020 strength), BA1, BS1, and ClinVar as cited
evidence (PP5/BP6 from Richards et al. 2015, only at or above a review-star threshold; ClinGen SVI advises
labs to drop PP5/BP6, so the config can switch them off). Everything else is listed as "not_evaluated" with
the reason, never silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from clinwgs.config.models import AcmgSettings
from clinwgs.interpret.clinvar import ClinVarAssertion
from clinwgs.interpret.consequence import Consequence
from clinwgs.interpret.panels import PanelGene
from clinwgs.models.findings import CriterionResult


@dataclass(frozen=True)
class PopulationEvidence:
    """ALT-specific allele frequencies, source label -> AF (None = site absent from that source)."""

    frequencies: dict[str, float | None]

    @property
    def evaluable(self) -> bool:
        return bool(self.frequencies)

    @property
    def max_af(self) -> float | None:
        seen = [af for af in self.frequencies.values() if af is not None]
        return max(seen) if seen else None

    @property
    def max_source(self) -> str | None:
        best = self.max_af
        return next((s for s, af in self.frequencies.items() if af is not None and af == best), None)

    def describe(self) -> str:
        parts = [f"{src} {'absent' if af is None else f'{af:.6g}'}" for src, af in self.frequencies.items()]
        return "; ".join(parts)


NOT_EVALUATED: dict[str, tuple[str, str, str]] = {
    # code: (direction, strength, reason)
    "PS1": ("pathogenic", "strong", "needs a curated database of pathogenic amino-acid changes"),
    "PS2": ("pathogenic", "strong", "de novo status needs confirmed parental samples"),
    "PS3": ("pathogenic", "strong", "functional studies are reviewed by a clinical scientist"),
    "PS4": ("pathogenic", "strong", "case-control data are not available offline"),
    "PM1": ("pathogenic", "moderate", "hotspot/functional-domain data are not bundled"),
    "PM3": ("pathogenic", "moderate", "phasing with a second pathogenic allele needs trio or read phasing"),
    "PM4": ("pathogenic", "moderate", "protein-length change is reviewed manually"),
    "PM5": ("pathogenic", "moderate", "needs a curated database of pathogenic missense at this residue"),
    "PM6": ("pathogenic", "moderate", "assumed de novo status needs parental samples"),
    "PP1": ("pathogenic", "supporting", "segregation data are not available"),
    "PP2": ("pathogenic", "supporting", "gene-level missense constraint is not bundled"),
    "PP3": ("pathogenic", "supporting", "in-silico predictors are not run"),
    "PP4": ("pathogenic", "supporting", "phenotype specificity is judged by the clinician"),
    "BS2": ("benign", "strong", "healthy-adult observations are not available"),
    "BS3": ("benign", "strong", "functional studies are reviewed by a clinical scientist"),
    "BS4": ("benign", "strong", "segregation data are not available"),
    "BP1": ("benign", "supporting", "gene-level mechanism data are not bundled"),
    "BP2": ("benign", "supporting", "phasing with a pathogenic variant needs trio or read phasing"),
    "BP3": ("benign", "supporting", "repeat-region annotation is not bundled"),
    "BP4": ("benign", "supporting", "in-silico predictors are not run"),
    "BP5": ("benign", "supporting", "alternate molecular diagnosis is judged by the clinician"),
    "BP7": ("benign", "supporting", "splicing predictors are not run"),
}


class Crit(NamedTuple):
    """A criterion result while streaming: a plain tuple (cheap; the interpreter makes ~6 per panel variant).
    Only the records that end up in findings.json become pydantic CriterionResult objects (``to_model``)."""

    code: str
    status: str  # "met" | "not_met" | "not_evaluated"
    strength: str
    direction: str
    evidence: str


def _result(code: str, met: bool | None, strength: str, direction: str, evidence: str) -> Crit:
    status = "not_evaluated" if met is None else "met" if met else "not_met"
    return Crit(code, status, strength, direction, evidence)


def to_model(crit: Crit) -> CriterionResult:
    """The findings.json form of one criterion (validated)."""
    return CriterionResult.model_validate(crit._asdict())


def pvs1(csq: Consequence, gene: PanelGene) -> Crit:
    where = f"{csq.consequence} in {csq.gene}" + (f" ({csq.transcript})" if csq.transcript else "")
    if not csq.is_null:
        return _result("PVS1", False, "very_strong", "pathogenic", f"{where}: not a null variant")
    if gene.lof_mechanism is None:
        reason = f"{where}: null variant, but the panel does not establish loss of function as the mechanism"
        return _result("PVS1", None, "very_strong", "pathogenic", reason)
    if gene.lof_mechanism is False:
        reason = f"{where}: null variant, but loss of function is not the disease mechanism for this gene"
        return _result("PVS1", False, "very_strong", "pathogenic", reason)
    evidence = (
        f"{where}: null variant; loss of function is an established mechanism for {csq.gene} "
        "(NMD/last-exon and rescue refinements of the ClinGen PVS1 tree are for the scientist to review)"
    )
    return _result("PVS1", True, "very_strong", "pathogenic", evidence)


def population(pop: PopulationEvidence, gene: str, settings: AcmgSettings) -> list[Crit]:
    """PM2_Supporting, BA1 and BS1 from the maximum ALT-specific population AF."""
    if not pop.evaluable:
        why = "no population allele-frequency annotation in the VCF"
        return [
            _result("PM2_Supporting", None, "supporting", "pathogenic", why),
            _result("BA1", None, "stand_alone", "benign", why),
            _result("BS1", None, "strong", "benign", why),
        ]
    max_af = pop.max_af
    seen = pop.describe()
    bs1_cut = settings.bs1_af_by_gene.get(gene, settings.bs1_af)
    rare = max_af is None or max_af <= settings.pm2_max_af
    return [
        _result(
            "PM2_Supporting", rare, "supporting", "pathogenic", f"{seen} (cut-off {settings.pm2_max_af:g})"
        ),
        _result(
            "BA1",
            max_af is not None and max_af > settings.ba1_af,
            "stand_alone",
            "benign",
            f"max AF {max_af if max_af is not None else 'absent'} vs {settings.ba1_af:g} ({seen})",
        ),
        _result(
            "BS1",
            max_af is not None and max_af > bs1_cut,
            "strong",
            "benign",
            f"max AF {max_af if max_af is not None else 'absent'} vs {bs1_cut:g} for {gene} ({seen})",
        ),
    ]


def clinvar_criteria(cv: ClinVarAssertion | None, release: str, settings: AcmgSettings) -> list[Crit]:
    """PP5/BP6 from ClinVar, cited with significance, review status, stars and release."""
    if not settings.clinvar_pp5_bp6:
        why = "switched off in config (ClinGen SVI recommends not using PP5/BP6)"
        return [
            _result("PP5", None, "supporting", "pathogenic", why),
            _result("BP6", None, "supporting", "benign", why),
        ]
    if cv is None:
        why = f"no ClinVar record at this allele ({release})"
        return [
            _result("PP5", False, "supporting", "pathogenic", why),
            _result("BP6", False, "supporting", "benign", why),
        ]
    cite = f"ClinVar {release}: {cv.significance}, {cv.review_status} ({cv.stars} star(s))"
    if cv.accession:
        cite += f", {cv.accession}"
    enough = cv.stars >= settings.clinvar_min_stars
    note = "" if enough else f"; below the {settings.clinvar_min_stars}-star threshold"
    return [
        _result("PP5", cv.is_pathogenic and enough, "supporting", "pathogenic", cite + note),
        _result("BP6", cv.is_benign and enough, "supporting", "benign", cite + note),
    ]


_NOT_EVALUATED: tuple[Crit, ...] = tuple(
    Crit(code, "not_evaluated", strength, direction, f"not evaluated: {reason}")
    for code, (direction, strength, reason) in NOT_EVALUATED.items()
)


def not_evaluated() -> list[Crit]:
    """The criteria never evaluated automatically (the same frozen objects for every variant)."""
    return list(_NOT_EVALUATED)


def evaluate(
    csq: Consequence,
    gene: PanelGene,
    pop: PopulationEvidence,
    cv: ClinVarAssertion | None,
    clinvar_release: str,
    settings: AcmgSettings,
    *,
    with_not_evaluated: bool = True,
) -> list[Crit]:
    """All criteria for one allele in one gene: evaluated ones first, then the not-evaluated list (the
    streaming interpreter leaves that constant list out and adds it to the records it reports)."""
    return [
        pvs1(csq, gene),
        *population(pop, csq.gene, settings),
        *clinvar_criteria(cv, clinvar_release, settings),
        *(not_evaluated() if with_not_evaluated else ()),
    ]
