"""Typed, frozen models of every configuration file the workflow reads.

* ``ConfigFile``: config/config.yaml, every section (``extra="forbid"`` everywhere, ranges on every number).
* ``RunConfig``: the same sections plus the loaded samples.tsv / units.tsv and the interpretation settings;
  the one object rules and the CLI read (``RUN.filters.min_qual``, ``RUN.threads.align`` ...).
* ``PanelSettings``: the interpretation settings file (config/panels.yaml): coverage threshold, ACMG cut-offs,
  population AF keys, panels and test codes.
* ``ValidationConfig``: the validation pack (config/validation.yaml).

Defaults live here only (and, for config.yaml, are mirrored in workflow/schemas/config.schema.yaml, which a
test keeps equal): rules, adapters and functions never carry their own fallback values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from clinwgs.models.family import Pedigree

Sex = Literal["female", "male", "unknown"]
AlleleFrequency = Annotated[float, Field(ge=0, le=1)]
Fraction = Annotated[float, Field(ge=0, le=1)]
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- samples.tsv / units.tsv rows -------------------------------------------------------------------------


class Sample(Frozen):
    sample_id: str
    sex: Sex
    test_code: str
    consent_additional_findings: bool
    reference: str
    family_id: str | None = None
    relation: str | None = None
    # family structure (issue 16, optional): the parents' sample_ids (sequenced members of the same family)
    # and the affected status; validated by clinwgs.family.pedigree
    father: str | None = None
    mother: str | None = None
    affected: Literal["affected", "unaffected", "unknown"] | None = None


class Unit(Frozen):
    sample_id: str
    unit_id: str
    platform: str
    fq1: Path | None = None
    fq2: Path | None = None
    bam: Path | None = None
    fq1_sha256: str | None = None
    fq2_sha256: str | None = None
    bam_sha256: str | None = None

    def files(self) -> list[tuple[str, Path, str | None]]:
        """(column, path, expected sha256) of every input file of this unit."""
        cols = [("bam", self.bam, self.bam_sha256), ("fq1", self.fq1, self.fq1_sha256)]
        cols.append(("fq2", self.fq2, self.fq2_sha256))
        return [(c, p, s) for c, p, s in cols if p is not None]


# --- config.yaml sections ---------------------------------------------------------------------------------


class Scatter(Frozen):
    """Calling is scattered over this many chunks of the bundle's analysable intervals."""

    chunks: int = Field(ge=1, le=1000)


class TypeFilters(Frozen):
    """Thresholds for one variant type (``filters.snv`` / ``filters.indel``); unset or null = the shared
    value."""

    min_qual: float | None = Field(default=None, ge=0, description="QUAL below -> FILTER LowQual")
    min_depth: int | None = Field(default=None, ge=0, description="INFO/DP below -> FILTER LowDP")
    min_gq: int | None = Field(default=None, ge=0, description="FORMAT/GQ below -> FILTER LowGQ")
    min_allele_balance: float | None = Field(
        default=None, ge=0, le=1, description="FORMAT/AD ALT fraction below -> FILTER LowAB")


class Filters(Frozen):
    """Hard filters, applied as FILTER flags (0 switches one off). ``snv`` and ``indel`` override the shared
    thresholds for one variant type (chosen from data: docs/accuracy.md "How the filters were chosen")."""

    min_qual: float = Field(ge=0, description="QUAL below -> FILTER LowQual")
    min_depth: int = Field(ge=0, description="INFO/DP below -> FILTER LowDP")
    min_gq: int = Field(ge=0, description="FORMAT/GQ below -> FILTER LowGQ")
    min_allele_balance: float = Field(default=0, ge=0, le=1,
                                      description="FORMAT/AD ALT fraction below -> FILTER LowAB")
    snv: TypeFilters = Field(default_factory=TypeFilters, description="SNV/MNP overrides")
    # LowGQ off for indels: on the simulated HG002 set it removed true indels on both halves (fit and check)
    # and no false ones (docs/BENCHMARKS.md "Accuracy after issue 15")
    indel: TypeFilters = Field(default=TypeFilters(min_gq=0), description="indel overrides")

    def threshold(self, name: str, kind: str) -> float | int:
        """The threshold ``name`` (e.g. 'min_qual') for variant type ``kind`` ('snv' or 'indel')."""
        override = getattr(self.snv if kind == "snv" else self.indel, name)
        value: float | int = getattr(self, name) if override is None else override
        return value


class Threads(Frozen):
    """Threads of the heavy rules; every other rule uses one."""

    align: int = Field(default=2, ge=1, description="bwa mem / minimap2 per unit")
    sort: int = Field(default=1, ge=1, description="samtools merge of a sample's units")
    fastp: int = Field(default=1, ge=1, description="fastp read trimming per unit")


class InterpretSection(Frozen):
    panels: Path = Field(default=Path("config/panels.yaml"), description="interpretation settings (YAML)")

    @model_validator(mode="after")
    def _yaml(self) -> InterpretSection:
        if self.panels.suffix not in {".yaml", ".yml"}:
            raise ValueError(f"panels: {str(self.panels)!r} must be a .yaml or .yml file")
        return self


class ReportSection(Frozen):
    templates: Path = Field(default=Path("reports"), description="templates/, report.css, methods.yaml")


class PublishSection(Frozen):
    url: str = Field(default="http://127.0.0.1:8780", pattern=r"^https?://[^/\s]+(/\S*)?$")
    token_env: str = Field(default="CLINWGS_SERVICE_TOKEN", pattern=r"^[A-Z_][A-Z0-9_]*$")
    retries: int = Field(default=5, ge=0, le=20, description="retries after the first attempt")
    backoff_s: float = Field(default=0.5, gt=0, le=60, description="first retry delay in seconds, doubling")


class ExpectedFingerprint(Frozen):
    """Genotypes the sample must match, e.g. an earlier sample of the same patient (VCF with GT)."""

    vcf: Path
    vcf_sample: str | None = None  # column in the VCF; default: the only one


class IdentitySection(Frozen):
    """Sample identity (rules/identity.smk; thresholds and reasons: docs/validation.md section 7)."""

    min_base_quality: int = Field(default=20, ge=0)
    min_mapping_quality: int = Field(default=20, ge=0)
    # a genotype is called at a site only with at least this many reads and a likelihood ratio best/next of
    # at least 10**min_genotype_lod (1.3: 20-fold; 5 reads of one allele give 1.46)
    min_depth: int = Field(default=5, ge=1)
    min_genotype_lod: float = Field(default=1.3, ge=0)
    # a comparison needs this many sites called in both fingerprints, else "insufficient data"
    min_sites: int = Field(default=10, ge=1)
    # and, for a confirmed match, this many independent markers (LD groups of the panel) among them
    min_markers: int = Field(default=8, ge=1)
    match_max_discordance: float = Field(default=0.10, ge=0, le=1)
    mismatch_min_discordance: float = Field(default=0.25, ge=0, le=1)
    expected: dict[str, ExpectedFingerprint] = {}  # sample_id -> expected fingerprint
    # pairs of sample IDs known to be the same individual (repeat sample, monozygotic twins): reported, not
    # blocked, when their fingerprints match
    same_individual: list[tuple[str, str]] = []

    @model_validator(mode="after")
    def _ordered(self) -> IdentitySection:
        if self.match_max_discordance >= self.mismatch_min_discordance:
            raise ValueError("match_max_discordance must be below mismatch_min_discordance")
        return self

    def acknowledged(self, a: str, b: str) -> bool:
        return any({a, b} == {x, y} for x, y in self.same_individual)


class SvSettings(Frozen):
    """Structural and copy-number variants (rules/sv.smk; policy in docs/operations.md)."""

    enabled: bool = Field(default=True, description="call SVs (delly) and depth CNVs (cnvkit) per sample")
    # delly call is run once per type (scattered, resumable); BND are inter-/intra-chromosomal breakends
    types: list[Literal["DEL", "DUP", "INV", "BND", "INS"]] = Field(
        default=["DEL", "DUP", "INV", "BND"], min_length=1, description="delly call -t, one job per type"
    )
    min_size: int = Field(default=50, ge=1, description="events shorter than this (bp) are dropped")
    max_size: int = Field(default=10_000_000, ge=1, description="FILTER SizeRange above this (bp)")
    min_support: int = Field(default=4, ge=0, description="delly PE+SR reads below -> FILTER LowSupport")
    require_pass: bool = Field(default=True, description="delly's own FILTER (LowQual) must be PASS")
    cnv: bool = Field(default=True, description="read-depth CNV (cnvkit batch --method wgs, flat reference)")
    cnv_bin_bp: int = Field(default=1000, ge=50, le=1_000_000, description="cnvkit target bin size (bp)")
    cnv_min_size: int = Field(default=5000, ge=1, description="depth-only calls shorter are dropped")
    cnv_min_bins: int = Field(default=5, ge=1, description="depth-only calls over fewer bins are dropped")
    tiddit: bool = Field(default=False, description="add TIDDIT as a second breakpoint caller")
    merge_overlap: float = Field(default=0.5, gt=0, le=1, description="reciprocal overlap that merges calls")

    @model_validator(mode="after")
    def _sizes(self) -> SvSettings:
        if self.min_size >= self.max_size:
            raise ValueError("min_size must be below max_size")
        return self


class FamilySection(Frozen):
    """Family analysis (rules/family.smk; thresholds and reasons: docs/operations.md "Families")."""

    # a PED file (family, sample, father, mother, sex 1/2/0, phenotype 2/1/0) instead of the sheet's columns
    ped: Path | None = None
    # de novo candidates: trio-dnm2 posterior (DNM as a probability) and read-level filters
    denovo_min_prob: float = Field(default=0.9, ge=0, le=1)
    denovo_min_parent_depth: int = Field(default=10, ge=1)
    denovo_max_parent_alt_fraction: float = Field(default=0.05, ge=0, le=1)
    denovo_min_child_alt_fraction: float = Field(default=0.25, ge=0, le=1)
    # family QC: a site is informative with every member called at >= qc_min_depth reads and GQ >= min_gq
    qc_min_depth: int = Field(default=10, ge=1)
    qc_min_sites: int = Field(default=100, ge=1)
    parent_child_min_kinship: float = Field(default=0.177, ge=0, le=0.5)
    parent_child_max_kinship: float = Field(default=0.354, ge=0, le=0.5)
    unrelated_max_kinship: float = Field(default=0.0884, ge=0, le=0.5)
    max_mendelian_error_rate: float = Field(default=0.02, ge=0, le=1)
    min_mean_depth: float = Field(default=15.0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> FamilySection:
        if not self.unrelated_max_kinship < self.parent_child_min_kinship < self.parent_child_max_kinship:
            raise ValueError(
                "kinship cut-offs must satisfy unrelated_max_kinship < parent_child_min_kinship < "
                "parent_child_max_kinship"
            )
        return self


class Sections(Frozen):
    """The sections of config.yaml other than the two sheet paths."""

    bundles: dict[Annotated[str, Field(pattern=NAME_PATTERN)], Path] = Field(min_length=1)
    aligner: Literal["bwa", "minimap2"]
    caller: Literal["bcftools", "freebayes"]
    # indel zygosity checked against the reads spanning the indel's repeat (clinwgs.calling.regenotype);
    # on the simulated HG002 set it corrected 8 of 11 indel genotype errors and introduced none
    regenotype_indels: bool = True
    alignment_format: Literal["bam", "cram"]
    on_reference_mismatch: Literal["realign", "error"] = "realign"
    # folders (besides the run folder, the working directory) that units.tsv paths may point into; a path
    # anywhere else, a '..' escape or a symbolic link leading out of them is refused before it is read
    input_roots: list[Path] = Field(
        default=[], description="extra folders units.tsv paths may point into (the run folder always may)"
    )
    scatter: Scatter
    filters: Filters
    multiqc_name: str = Field(default="multiqc_report", pattern=NAME_PATTERN)
    threads: Threads = Threads()
    interpret: InterpretSection = InterpretSection()
    report: ReportSection = ReportSection()
    publish: PublishSection = PublishSection()
    identity: IdentitySection = IdentitySection()
    sv: SvSettings = SvSettings()  # issue 17: rules/sv.smk
    family: FamilySection = FamilySection()


class ConfigFile(Sections):
    """config/config.yaml as written."""

    samples: Path
    units: Path


# --- config/panels.yaml (interpretation settings) ---------------------------------------------------------


class AcmgSettings(Frozen):
    """ACMG/AMP cut-offs (Richards et al. 2015; ClinGen SVI refinements)."""

    ba1_af: AlleleFrequency = 0.05
    bs1_af: AlleleFrequency = 0.01
    bs1_af_by_gene: dict[str, AlleleFrequency] = {}
    pm2_max_af: AlleleFrequency = 0.0001
    clinvar_pp5_bp6: bool = True
    clinvar_min_stars: int = Field(default=1, ge=0, le=4)
    # a ClinVar P/LP assertion at or above this review status (and no conflict) is reported as a known
    # pathogenic variant, as CPSR does; the automated class is shown beside it
    known_pathogenic_min_stars: int = Field(default=2, ge=1, le=4)

    @model_validator(mode="after")
    def _ordered(self) -> AcmgSettings:
        if not self.pm2_max_af < self.bs1_af <= self.ba1_af:
            raise ValueError(
                f"cut-offs must satisfy pm2_max_af < bs1_af <= ba1_af "
                f"(got {self.pm2_max_af} / {self.bs1_af} / {self.ba1_af})"
            )
        return self


class AcmgSfList(Frozen):
    version: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)] = Field(
        min_length=1
    )
    path: Path


class PanelSpec(Frozen):
    format: Literal["panelapp", "lab", "scout"]
    path: Path
    name: str | None = Field(default=None, min_length=1, description="the panel's name in a PanelApp file")

    @model_validator(mode="after")
    def _panelapp_named(self) -> PanelSpec:
        if self.format == "panelapp" and self.name is None:
            raise ValueError("a panelapp panel needs `name` (which panel of the file)")
        return self


class PopulationAf(Frozen):
    info: str = Field(pattern=r"^[A-Za-z_][0-9A-Za-z_.]*$", description="VCF INFO key")
    label: str = Field(min_length=1)


class PanelSettings(Frozen):
    """config/panels.yaml. Paths in it are relative to the file itself."""

    coverage_threshold_x: int = Field(default=20, ge=1, le=10000, description="min depth of an assessed base")
    acmg_sf: AcmgSfList
    # the HGNC gene set every panel gene must resolve in (symbol and HGNC ID), reference/genes/hgnc_genes.tsv
    hgnc_genes: Path
    panels: dict[str, PanelSpec] = Field(min_length=1)
    test_codes: dict[str, Annotated[list[str], Field(min_length=1)]] = Field(min_length=1)
    acmg: AcmgSettings = AcmgSettings()
    population_af: list[PopulationAf] = []
    transcripts: dict[str, str] = {}
    lof_mechanism_genes: list[str] = []
    # gnomAD constraint (pLI, LOEUF) of the panel genes, for SV/CNV scoring (issue 17); relative to the file
    gene_constraint: Path | None = None
    # issue 16: genes whose dominant disease is incompletely penetrant: a variant carried by an unaffected
    # parent can still be Tier 1 (unaffected-parent filtering spares them)
    incomplete_penetrance_genes: list[str] = []

    @model_validator(mode="after")
    def _known_panels(self) -> PanelSettings:
        unknown = [f"{code}: {n!r}" for code, names in self.test_codes.items() for n in names
                   if n not in self.panels]
        if unknown:
            raise ValueError(f"test_codes name unknown panel(s): {', '.join(unknown)}")
        return self


# --- the validated run configuration ----------------------------------------------------------------------


class RunConfig(Sections):
    """The validated configuration: every section of config.yaml, the sheets and the panel settings."""

    samples_path: Path
    units_path: Path
    samples: dict[str, Sample]
    units: dict[str, list[Unit]]
    panel_settings: PanelSettings
    # validated family structure (clinwgs.family.pedigree): family_id -> Pedigree, families of >= 2 members
    pedigrees: dict[str, Pedigree] = {}


# --- config/validation.yaml (the validation pack) ---------------------------------------------------------

PSEUDONYM = r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$"


class WorkflowSettings(Frozen):
    base_config: Path
    aligner: Literal["bwa", "minimap2"] = "bwa"
    caller: Literal["bcftools", "freebayes"] = "bcftools"
    cores: int = Field(default=2, ge=1, le=1024)
    bare_caller_check: bool = True


class GiabSettings(Frozen):
    sample_id: str = Field(pattern=PSEUDONYM)
    bundle: str
    sex: Sex = "unknown"
    fq1: Path
    fq2: Path


class ControlSettings(Frozen):
    sample_id: str = Field(pattern=PSEUDONYM)
    bundle: str
    sex: Sex = "unknown"
    variants: Path
    region: str = Field(pattern=r"^[^:\s]+:[0-9]+-[0-9]+$")
    edge_bp: int = Field(default=500, ge=0)
    depth: int = Field(default=30, ge=1, le=10000)
    seed: int = Field(default=1, ge=0)


class Rates(Frozen):
    precision: Fraction
    recall: Fraction
    f1: Fraction


class GiabThresholds(Frozen):
    snv: Rates
    indel: Rates


class ControlThresholds(Frozen):
    sensitivity: dict[str, Fraction] = Field(min_length=1)
    precision: Fraction


class Thresholds(Frozen):
    giab: GiabThresholds
    controls: ControlThresholds
    max_f1_loss_vs_bare: float = Field(default=0.0, ge=0, le=1)


class ValidationConfig(Frozen):
    output_dir: Path
    workflow: WorkflowSettings
    giab: GiabSettings
    controls: ControlSettings
    thresholds: Thresholds

    def resolve(self, root: Path) -> ValidationConfig:
        """Paths made absolute against ``root`` (the repository root)."""
        return self.model_copy(update={
            "output_dir": root / self.output_dir,
            "workflow": self.workflow.model_copy(update={"base_config": root / self.workflow.base_config}),
            "giab": self.giab.model_copy(update={"fq1": root / self.giab.fq1, "fq2": root / self.giab.fq2}),
            "controls": self.controls.model_copy(update={"variants": root / self.controls.variants}),
        })
