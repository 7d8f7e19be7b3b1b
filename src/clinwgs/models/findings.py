"""findings.json: the versioned contract between interpretation, the report and the record service.

Coordinates: ``pos1`` is the 1-based VCF POS of the normalised, left-aligned allele.
Bump ``FINDINGS_SCHEMA_VERSION`` (semver) on any change; consumers refuse an unknown major version.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from clinwgs.models.family import FamilyCheck
from clinwgs.models.structural import StructuralVariant

FINDINGS_SCHEMA_VERSION = "1.4.0"
# 1.1.0: hgvs_g, review_reason, for_review, tool_versions, notes
# 1.2.0: HGVS names with accessions (transcript_refseq, nomenclature_source), ClinVar accessions/dbsnp, known
#        pathogenic (classification_source, automated_classification, discordant), coverage gaps as intervals,
#        genes_not_fully_assessed / result_status / additional-findings statement helpers
# 1.3.0: structural and copy-number variants (issue 17): optional `structural_analysis` (None = not analysed)
#        and `structural_findings`; both are left out of findings.json when no SV VCF was interpreted
# 1.4.0: family analysis (issue 16), all optional and absent from a lone sample's findings.json: per finding
#        `segregation` and `family_genotypes`; on the whole `family` (pedigree summary and family QC)


class Classification(str, Enum):
    PATHOGENIC = "Pathogenic"
    LIKELY_PATHOGENIC = "Likely pathogenic"
    VUS = "Uncertain significance"
    LIKELY_BENIGN = "Likely benign"
    BENIGN = "Benign"


class Tier(str, Enum):
    TIER1 = "Tier 1"
    TIER2 = "Tier 2"
    NONE = "Not reported"


class Zygosity(str, Enum):
    HET = "heterozygous"
    HOM = "homozygous"
    HEMI = "hemizygous"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriterionResult(Strict):
    """One ACMG/AMP criterion as evaluated for one variant, with its evidence."""

    code: str  # e.g. "PVS1", "PM2_Supporting", "BA1", "BS1"
    status: Literal["met", "not_met", "not_evaluated"]
    strength: Literal["very_strong", "strong", "moderate", "supporting", "stand_alone"] | None = None
    direction: Literal["pathogenic", "benign"]
    evidence: str  # human-readable reason, citing data (e.g. "max population AF 0.0001 (ExAC r0.3)")


class ClinVarEvidence(Strict):
    """A ClinVar assertion, cited as separate evidence (never silently merged into the class)."""

    significance: str  # normalised text, e.g. "Pathogenic", "Conflicting classifications of pathogenicity"
    review_status: str  # normalised text, e.g. "criteria provided, multiple submitters, no conflicts"
    stars: int = Field(ge=0, le=4)
    conditions: list[str] = []
    accession: str | None = None  # the exact allele's ClinVar accession (RCV/VCV); else the ID column
    release: str  # e.g. "ClinVar 2015-02-04"
    submitted: list[str] = []  # each submitted classification as written (2015: one per RCV); 1.1.0
    accessions: list[str] = []  # every RCV/VCV accession of the exact allele; 1.2.0
    dbsnp: list[str] = []  # dbSNP rs IDs ClinVar lists for the allele, lowest (oldest) first; 1.2.0


class Variant(Strict):
    chrom: str
    pos1: int = Field(ge=1)
    ref: str
    alt: str
    genome_build: Literal["GRCh37", "GRCh38"]
    zygosity: Zygosity
    depth: int | None = None
    allele_fraction: float | None = None
    genotype_quality: int | None = None
    filters: list[str] = []  # empty = PASS


class Annotation(Strict):
    gene: str  # HGNC symbol
    hgnc_id: str | None = None
    transcript: str | None = None  # versioned transcript the c. name was computed on (gene models' ID)
    transcript_refseq: str | None = None  # the RefSeq (MANE Select) match the c. name is written on; 1.2.0
    consequence: str  # Sequence Ontology term(s) joined by '&', e.g. "frameshift_variant"
    hgvs_c: str | None = None  # with accession, e.g. "NM_007294.4:c.68_69del"
    hgvs_p: str | None = None  # predicted, 3-letter, e.g. "p.(Glu23ValfsTer17)"; "p.?" for splice sites
    hgvs_g: str | None = None  # on the RefSeq chromosome, e.g. "NC_000017.11:g.43124030_43124031del"
    nomenclature_source: str | None = None  # e.g. "SnpEff 5.1d, cross-checked with bcftools csq"; 1.2.0
    max_population_af: float | None = None
    population_af_source: str | None = None


Segregation = Literal[
    "de_novo",
    "inherited_paternal",
    "inherited_maternal",
    "homozygous_biparental",
    "compound_heterozygous",
    "x_linked_maternal",
    "phase_unknown",
]


class MemberGenotype(Strict):
    """One family member's genotype at a finding's allele, from the family (joint) VCF; 1.4.0."""

    sample_id: str  # pseudonymous
    relation: str  # proband, father, mother, sibling ...
    affected: Literal["affected", "unaffected", "unknown"]
    genotype: str  # "0/1", "1/1", "./." (no call) or "not called" (no record at this allele)
    alt_copies: int | None = None  # copies of the finding's ALT; None = no call
    depth: int | None = None  # FORMAT/DP (else the sum of FORMAT/AD)
    allele_fraction: float | None = None  # ALT reads / all reads (FORMAT/AD)


class SegregationResult(Strict):
    """How a finding segregates in the family (clinwgs.interpret.segregation); 1.4.0."""

    pattern: Segregation
    description: str  # in words, e.g. "de novo (absent in both parents, parental depth 31x/28x)"
    parents_confirmed: bool = False  # both parental genotypes called at the minimum depth
    de_novo_probability: float | None = None  # bcftools +trio-dnm2 FORMAT/DNM as a probability
    partner: str | None = None  # compound heterozygous: the other allele, "chrom:pos ref>alt"
    inherited_from: Literal["father", "mother", "both"] | None = None  # the carrier parent(s)
    # de novo: the read-level checks the workflow's de novo filter failed (INFO/DNM_FILTER of the family VCF,
    # clinwgs.family.denovo), e.g. ["child_alt_fraction"]; additive in 1.4.x (absent = none failed)
    de_novo_checks_failed: list[str] = []


class Finding(Strict):
    variant: Variant
    annotation: Annotation
    classification: Classification
    criteria: list[CriterionResult]
    clinvar: ClinVarEvidence | None = None
    tier: Tier
    inheritance: str | None = None  # mode of inheritance from the panel, e.g. "MONOALLELIC"
    panel: str  # name of the panel this gene came from (or "ACMG SF v3.2")
    additional_finding: bool = False  # True for ACMG secondary findings (consent-gated)
    genotype_fits_inheritance: bool
    review_reason: str | None = None  # why a record sits on the scientist's review list (not reported)
    # 1.2.0: where `classification` comes from. "clinvar" = a known pathogenic variant (ClinVar P/LP, review
    # status >= the configured stars, no conflicts), reported as such; `automated_classification` is
    # always the
    # automated ACMG result, and `discordant` is True when the two differ (the report shows "discordant:
    # review")
    classification_source: Literal["acmg_automated", "clinvar"] = "acmg_automated"
    automated_classification: Classification | None = None
    discordant: bool = False
    # 1.4.0: family analysis; None (and absent from the JSON) for a lone sample
    segregation: SegregationResult | None = None
    family_genotypes: list[MemberGenotype] | None = None

    @model_serializer(mode="wrap")
    def _omit_family_when_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(handler(self), ("segregation", "family_genotypes"))


def _omit_none(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Optional family fields are left out when unset: a lone sample's findings.json has none of them."""
    for key in keys:
        if key in data and data[key] is None:
            del data[key]
    return data


class FamilyMemberSummary(Strict):
    sample_id: str
    relation: str
    sex: Literal["female", "male", "unknown"]
    affected: Literal["affected", "unaffected", "unknown"]


class FamilySummary(Strict):
    """The family a proband's findings were interpreted in, with its family QC; 1.4.0."""

    family_id: str
    proband: str
    members: list[FamilyMemberSummary]
    qc_status: Literal["pass", "fail", "insufficient_data", "not_run"]
    qc_checks: list[FamilyCheck] = []
    qc_release_blockers: list[str] = []


class PanelUsed(Strict):
    name: str
    version: str
    source: str  # e.g. "Genomics England PanelApp", "ACMG SF", "lab-defined"
    genes: list[str]


class CoverageGap(Strict):
    """Merged run of coding bases below the threshold (1-based inclusive), with its c. range when the bundle
    names a reporting transcript whose CDS contains it."""

    chrom: str
    start1: int = Field(ge=1)
    end1: int = Field(ge=1)
    hgvs_c_range: str | None = None  # e.g. "NM_007294.4:c.4186_4357"

    @property
    def label(self) -> str:
        span = f"{self.chrom}:{self.start1}-{self.end1} ({self.end1 - self.start1 + 1} bp)"
        return f"{span}, {self.hgvs_c_range}" if self.hgvs_c_range else span


class GeneCoverage(Strict):
    gene: str
    fraction_at_threshold: float = Field(ge=0, le=1)
    mean_depth: float
    threshold_x: int
    fully_assessed: bool
    exons_below: list[str] = []  # coding intervals with any base below the threshold (or the no-model note)
    gaps: list[CoverageGap] = []  # 1.2.0: exactly the bases below the threshold, merged
    analysed: bool = True  # 1.2.0: False when the bundle has no gene model for the gene


class SexCheck(Strict):
    reported: Literal["female", "male", "unknown"]
    inferred: Literal["female", "male", "unknown"]
    x_autosome_ratio: float | None = None
    y_autosome_ratio: float | None = None
    mismatch: bool
    note: str


class CnvCriterion(Strict):
    """One item of the ACMG/ClinGen CNV scoring (Riggs et al. 2020, Genet Med 22:245), with its points."""

    code: str  # e.g. "1A", "2A", "2C-1", "2E", "2H", "3A"
    status: Literal["met", "not_met", "not_evaluated"]
    points: float  # the points counted (0 when not met or not evaluated)
    evidence: str


class GeneImpact(Strict):
    """What a structural event does to one gene, on its reporting transcript (1.3.0)."""

    gene: str
    hgnc_id: str | None = None
    transcript: str | None = None  # gene models' ID, e.g. ENST00000357654
    transcript_refseq: str | None = None  # e.g. NM_007294.4 (exons are numbered on this transcript)
    consequence: str  # clinwgs.interpret.structural SEVERITY term, e.g. "exon_deletion"
    exons: list[int] = []  # exons wholly or partly affected, 5' -> 3' numbering of the transcript
    exon_count: int | None = None  # exons of the transcript
    exons_label: str | None = None  # e.g. "exons 1-2 of 23"
    frame: Literal["in_frame", "frameshift", "start_lost", "unknown", "not_applicable"] = "not_applicable"
    coding_bases: int = 0  # coding bases inside the event
    whole_gene: bool = False
    in_panel: bool = False


class DepthBin(Strict):
    """Mean read depth over one bin of the region around a structural event (the report's depth plot)."""

    start1: int
    end1: int
    depth: float
    ratio: float | None = None  # to the median depth of the flanking bins


class StructuralFinding(Strict):
    """A PASS structural/copy-number event touching a panel gene, annotated, scored and tiered (1.3.0)."""

    event: StructuralVariant
    genome_build: Literal["GRCh37", "GRCh38"]
    genes: list[GeneImpact]
    consequence: str  # the most severe consequence over the panel genes
    gene: str  # the panel gene the tier and classification are for
    tier: Tier
    classification: Classification | None = None  # None: not scored (copy-neutral events)
    cnv_points: float | None = None  # total of the CNV scoring items met
    criteria: list[CnvCriterion] = []
    panel: str | None = None
    additional_finding: bool = False  # a gene of the ACMG SF list only (consent-gated)
    inheritance: str | None = None
    confirmation_required: bool = False
    confirmation_method: str | None = None  # e.g. "MLPA"
    review_reason: str | None = None  # why it is listed but not reported
    depth_profile: list[DepthBin] = []  # event +/- flanks, from the sample's alignment when it was given

    @property
    def size_label(self) -> str:
        n = self.event.length
        if n is None:
            return "breakend"
        return f"{n / 1000:.1f} kb" if n >= 1000 else f"{n} bp"


NOT_ASSESSED_NOTE = "Not assessed:"


class StructuralAnalysis(Strict):
    """That SV/CNV analysis ran, on what, and what it can and cannot see (1.3.0)."""

    source: str  # the SV VCF's file name
    callers: list[str] = []  # callers named by the records (INFO/CALLERS)
    events_examined: int = 0
    events_passed: int = 0  # FILTER PASS
    events_in_panel_genes: int = 0
    notes: list[str] = []

    @property
    def assessed(self) -> bool:
        """False when a caller could not assess the sample (a "Not assessed: <reason>." note, from the SV
        VCF's ``##clinwgs_sv_not_assessed`` header): the report then says SVs were not analysed, never "none
        found"."""
        return not any(n.startswith(NOT_ASSESSED_NOTE) for n in self.notes)


class Findings(Strict):
    schema_version: str = FINDINGS_SCHEMA_VERSION
    sample_id: str  # pseudonymous only; no patient identifier ever appears here
    test_code: str  # GMS test directory code, e.g. "R208"
    genome_build: Literal["GRCh37", "GRCh38"]
    generated_at: datetime
    pipeline_version: str
    panels: list[PanelUsed]
    findings: list[Finding]  # Tier 1 and Tier 2 (and consented additional findings)
    variants_examined: int  # records streamed from the VCF
    variants_in_panel: int
    coverage: list[GeneCoverage]
    sex_check: SexCheck
    additional_findings_consented: bool
    release_blocked: bool  # e.g. sex mismatch, failed QC: the report must not be released
    release_blockers: list[str] = []
    databases: dict[str, str] = {}  # name -> release, e.g. {"ClinVar": "2015-02-04", "ExAC": "r0.3"}
    # records a clinical scientist must see although they are not reported (ClinVar P/LP in a panel gene that
    # the automated criteria do not support, P/LP failing filters or not fitting the inheritance)
    for_review: list[Finding] = []
    tool_versions: dict[str, str] = {}  # annotators as recorded in the VCF header, interpreter libraries
    notes: list[str] = []  # limitations of this analysis (e.g. no consequence annotation)
    # 1.3.0: structural/copy-number variants; None = SV/CNV analysis not done (the report says so)
    structural_analysis: StructuralAnalysis | None = None
    structural_findings: list[StructuralFinding] = []  # PASS events touching a panel gene, reported or not
    family: FamilySummary | None = None  # 1.4.0: family analysis; absent for a lone sample

    @model_serializer(mode="wrap")
    def _omit_family_when_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(handler(self), ("family",))


def panel_genes(findings: Findings) -> list[str]:
    """The genes of the test's panels (not the ACMG SF list), in panel order."""
    return list(dict.fromkeys(g for p in findings.panels if p.source != "ACMG SF" for g in p.genes))


def sf_genes(findings: Findings) -> list[str]:
    return list(dict.fromkeys(g for p in findings.panels if p.source == "ACMG SF" for g in p.genes))


def not_fully_assessed(findings: Findings, genes: list[str]) -> list[str]:
    """Genes of ``genes`` that were not fully assessed (no coverage record counts as not assessed)."""
    assessed = {c.gene for c in findings.coverage if c.fully_assessed}
    return [g for g in genes if g not in assessed]


def incomplete_reasons(findings: Findings) -> list[str]:
    """Why the analysis is incomplete (no gene models for the panel, annotation lost, identity unresolved, sex
    mismatch: its release blockers) when no Tier 1 variant was found; empty when the result stands. The report
    and FHIR then say "Analysis incomplete" and why, never "negative" (and never just "inconclusive")."""
    primary = [f for f in findings.findings if not f.additional_finding]
    tier1 = any(f.tier is Tier.TIER1 for f in primary) or structural_tier1(findings)
    if not findings.release_blocked or tier1:
        return []
    reasons = [r.removeprefix("analysis incomplete: ") for r in findings.release_blockers]
    return reasons or ["release blocked (no reason recorded)"]


def result_status(findings: Findings) -> Literal["positive", "negative", "inconclusive"]:
    """The overall result, the same in the report, the JSON and FHIR.

    positive: a Tier 1 (P/LP) finding in the test's panels, small or structural (1.3.0). negative: nothing
    reported, nothing for review, every panel gene fully assessed and the analysis complete. inconclusive:
    everything else."""
    primary = [f for f in findings.findings if not f.additional_finding]
    if any(f.tier is Tier.TIER1 for f in primary) or structural_tier1(findings):
        return "positive"
    genes = panel_genes(findings)
    if (
        not primary
        and not findings.for_review
        and not findings.structural_findings
        and genes
        and not not_fully_assessed(findings, genes)
        and not findings.release_blocked
    ):
        return "negative"
    return "inconclusive"


def structural_tier1(findings: Findings) -> list[StructuralFinding]:
    """Tier 1 structural/copy-number findings in the test's panels (not the consent-gated SF list)."""
    return [
        f for f in findings.structural_findings if f.tier is Tier.TIER1 and not f.additional_finding
    ]
