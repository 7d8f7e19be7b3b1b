"""findings.json: the versioned contract between interpretation, the report and the record service.

Coordinates: ``pos1`` is the 1-based VCF POS of the normalised, left-aligned allele.
Bump ``FINDINGS_SCHEMA_VERSION`` (semver) on any change; consumers refuse an unknown major version.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FINDINGS_SCHEMA_VERSION = "1.1.0"  # 1.1.0: hgvs_g, review_reason, for_review, tool_versions, notes


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
    accession: str | None = None  # variation/allele ID or rsID, whatever the release carries
    release: str  # e.g. "ClinVar 2015-02-04"
    submitted: list[str] = []  # each submitted classification as written (2015: one per RCV); 1.1.0


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
    transcript: str | None = None
    consequence: str  # Sequence Ontology term(s) joined by '&', e.g. "frameshift_variant"
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    hgvs_g: str | None = None  # genomic change when the annotator gives no c. notation (bcftools csq)
    max_population_af: float | None = None
    population_af_source: str | None = None


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


class PanelUsed(Strict):
    name: str
    version: str
    source: str  # e.g. "Genomics England PanelApp", "ACMG SF", "lab-defined"
    genes: list[str]


class GeneCoverage(Strict):
    gene: str
    fraction_at_threshold: float = Field(ge=0, le=1)
    mean_depth: float
    threshold_x: int
    fully_assessed: bool
    exons_below: list[str] = []


class SexCheck(Strict):
    reported: Literal["female", "male", "unknown"]
    inferred: Literal["female", "male", "unknown"]
    x_autosome_ratio: float | None = None
    y_autosome_ratio: float | None = None
    mismatch: bool
    note: str


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
