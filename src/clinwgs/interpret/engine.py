"""``clinwgs interpret``: stream an annotated VCF (cyvcf2) through the sample's panels -> ACMG criteria ->
class -> tier, and write findings.json (the pydantic contract) and findings.tsv, each written to a temporary
name and renamed when complete.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clinwgs import __version__
from clinwgs.core.errors import ConfigError, InputIntegrityError
from clinwgs.interpret import acmg
from clinwgs.interpret.alleles import Allele, HeaderInfo, inspect_header, sample_alleles
from clinwgs.interpret.combine import assign_tier, classify
from clinwgs.interpret.consequence import Consequence, most_severe_per_gene
from clinwgs.interpret.coverage import cds_maps, gene_coverage, gene_models
from clinwgs.interpret.family import (
    NO_QC,
    FamilyEvidence,
    family_criteria,
    family_fits,
    gel_tier1,
    load_family_qc,
    load_pedigree,
    summary,
)
from clinwgs.interpret.family import release_blockers as family_release_blockers
from clinwgs.interpret.inheritance import genotype_fits, mode_of
from clinwgs.interpret.nomenclature import Names, Nomenclature, load_nomenclature, name_allele, parse_ann
from clinwgs.interpret.output import write_findings
from clinwgs.interpret.panels import Panel, PanelGene
from clinwgs.interpret.segregation import FamilyVcf, pair_compound_hets, segregate_allele
from clinwgs.interpret.settings import InterpretSettings
from clinwgs.interpret.sex import read_mosdepth_summary, sex_check
from clinwgs.models.family import Pedigree
from clinwgs.models.findings import (
    Annotation,
    Classification,
    ClinVarEvidence,
    CriterionResult,
    FamilySummary,
    Finding,
    Findings,
    PanelUsed,
    Tier,
    Variant,
    Zygosity,
)

NO_CONSEQUENCES = (
    "the VCF carries no consequence annotation (BCSQ/CSQ): no variant could be assigned to a gene"
)
# release blockers that say the analysis itself is incomplete (the report then says "Analysis incomplete",
# never "negative" or "inconclusive" alone)
NO_PANEL_GENES = "analysis incomplete: the test's panels list no gene, so nothing was analysed"
NO_GENE_MODELS = (
    "analysis incomplete: none of the {n} gene(s) of the test's panels ({genes}) has a gene model in the "
    "reference bundle's GFF3, so no variant could be assigned to them and no coverage was measured; use a "
    "bundle whose gene models cover the panel"
)
SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
P_LP = (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC)


@dataclass(frozen=True)
class SampleRequest:
    sample_id: str
    test_code: str
    sex: str = "unknown"
    consent_additional_findings: bool = False
    genome_build: str = "GRCh38"
    vcf_sample: str | None = None  # column in the VCF; default: the only sample, else sample_id


@dataclass(frozen=True)
class Inputs:
    vcf: Path
    thresholds: Path | None = None  # mosdepth <prefix>.thresholds.bed.gz over the panel BED
    regions: Path | None = None  # mosdepth <prefix>.regions.bed.gz over the same BED
    mosdepth_summary: Path | None = None
    databases: dict[str, str] = field(default_factory=dict)
    reference: Path | None = None  # indexed FASTA: g. names (3' shift, dup detection)
    manifest: Path | None = None  # bundle manifest.yaml: RefSeq accessions and reporting transcripts
    quantized: Path | None = None  # mosdepth --quantize 0:<x>: output: the exact bases below the threshold
    gff3: Path | None = None  # bundle gene models: c. ranges of coverage gaps
    identity: Path | None = None  # results/<s>/identity/<s>.identity.json (clinwgs.identity): its blockers
    sv_vcf: Path | None = None  # results/<s>/sv/<s>.sv.vcf.gz (issue 17 contract): structural/CNV calls
    sv_alignment: Path | None = None  # the sample's BAM/CRAM: depth profile of each listed SV (report plot)
    pedigree: Path | None = None  # issue 16: results/families/<f>/pedigree.json (the proband's family)
    family_qc: Path | None = None  # issue 16: results/families/<f>/family_qc.json
    family_vcf: Path | None = None  # issue 16: the family's "denovo" joint VCF (columns named by sample_id)


@dataclass
class _Naming:
    """What naming needs while triaging: the bundle's tables, the reference, the annotator versions."""

    nomenclature: Nomenclature
    fasta: Any
    snpeff: str | None
    fallback: dict[str, str]


@dataclass
class _Candidate:
    allele: Allele
    csq: Consequence
    gene: PanelGene
    panel: Panel
    criteria: list[acmg.Crit]
    classification: Classification


def _gene_index(
    panels: list[Panel], sf: Panel | None, lof_genes: set[str]
) -> dict[str, tuple[PanelGene, Panel]]:
    """Gene -> (gene entry, panel); the test's panels win over the ACMG SF list. Genes the settings list as
    having loss of function as an established mechanism get it where their panel does not say."""
    index: dict[str, tuple[PanelGene, Panel]] = {}
    for panel in [*panels, *([sf] if sf else [])]:
        for symbol, gene in panel.genes.items():
            if gene.lof_mechanism is None and symbol in lof_genes:
                gene = replace(gene, lof_mechanism=True)
            index.setdefault(symbol, (gene, panel))
    return index


def _open_vcf(path: Path, request: SampleRequest):  # type: ignore[no-untyped-def]
    from cyvcf2 import VCF

    if not path.is_file():
        raise InputIntegrityError("annotated VCF not found", path=path, sample=request.sample_id)
    try:
        vcf = VCF(str(path))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot open VCF: {exc}", path=path, sample=request.sample_id) from exc
    samples = list(vcf.samples)
    wanted = request.vcf_sample or (samples[0] if len(samples) == 1 else request.sample_id)
    if wanted not in samples:
        raise InputIntegrityError(
            f"sample column {wanted!r} not in VCF (columns: {', '.join(samples) or 'none'})",
            path=path,
            sample=request.sample_id,
        )
    return vcf, samples.index(wanted)


def _records(vcf: Any, path: Path, sample: str) -> Iterator[Any]:
    """cyvcf2 records; a read error (truncated or corrupt file) becomes an InputIntegrityError."""
    count = 0
    iterator = iter(vcf)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # cyvcf2 raises bare Exception on corrupt input
            raise InputIntegrityError(
                f"VCF unreadable after {count} records: {exc}", path=path, sample=sample
            ) from exc
        count += 1
        yield record


def _candidates(
    records: Iterator[Any],
    index_: int,
    header: HeaderInfo,
    genes: dict[str, tuple[PanelGene, Panel]],
    settings: InterpretSettings,
    clinvar_release: str,
) -> tuple[list[_Candidate], int, int]:
    out: list[_Candidate] = []
    examined = in_panel = 0
    # a record whose consequence text names no panel gene cannot match: skip it before any parsing
    # (in a genome almost every record is such a record)
    pattern = re.compile(r"\|(?:" + "|".join(map(re.escape, sorted(genes))) + r")\|") if genes else None
    key = header.consequence_key
    for record in records:
        examined += 1
        raw = record.INFO.get(key) if key else None
        if (
            pattern is None
            or raw is None
            or not pattern.search(raw if isinstance(raw, str) else ",".join(raw))
        ):
            continue
        hit = False
        for allele in sample_alleles(record, index_, header):
            for symbol, csq in most_severe_per_gene(allele.consequences, settings.transcripts).items():
                if symbol not in genes:
                    continue
                hit = True
                gene, panel = genes[symbol]
                criteria = acmg.evaluate(
                    csq,
                    gene,
                    allele.population,
                    allele.clinvar,
                    clinvar_release,
                    settings.acmg,
                    with_not_evaluated=False,
                )
                out.append(_Candidate(allele, csq, gene, panel, criteria, classify(criteria)))
        in_panel += hit
    return out, examined, in_panel


def _still_not_evaluated(criteria: list[acmg.Crit]) -> list[acmg.Crit]:
    """The never-evaluated list, less the codes evaluated for this record (PS2/PM6/PM3 in a family)."""
    done = {c.code for c in criteria}
    rest = acmg.not_evaluated()
    return rest if not done & {c.code for c in rest} else [c for c in rest if c.code not in done]


def _zygosity(allele: Allele) -> Zygosity:
    if allele.ploidy == 1:
        return Zygosity.HEMI
    return Zygosity.HOM if allele.copies >= 2 else Zygosity.HET


_MODEL_CACHE: dict[acmg.Crit, CriterionResult] = {}


def _models(criteria: list[acmg.Crit]) -> list[CriterionResult]:
    """pydantic criteria for a reported/review record; identical tuples (the not-evaluated list) share one."""
    out = []
    for crit in criteria:
        model = _MODEL_CACHE.get(crit)
        if model is None:
            model = acmg.to_model(crit)
            if crit.status == "not_evaluated":
                _MODEL_CACHE[crit] = model
        out.append(model)
    return out


def _names(c: _Candidate, naming: _Naming | None) -> Names | None:
    if naming is None:
        return None
    a = c.allele
    if naming.snpeff is None or a.ann is None:
        return Names(
            None, None, None, None, None, (), "none",
            ("no SnpEff annotation (INFO/ANN) in the VCF: no c./p. names",),
        )
    return name_allele(
        a.chrom,
        a.pos1,
        a.ref,
        a.alt,
        c.csq.gene,
        parse_ann(a.ann),
        c.csq,
        naming.nomenclature,
        naming.fasta,
        f"SnpEff {naming.snpeff}",
        naming.fallback.get(c.csq.gene),
    )


def _finding(
    c: _Candidate,
    build: str,
    tier: Tier,
    fits: bool,
    clinvar_release: str,
    reason: str | None,
    names: Names | None = None,
    reported_class: Classification | None = None,
) -> Finding:
    a, pop = c.allele, c.allele.population
    cv = None
    if a.clinvar:
        cv = ClinVarEvidence(
            significance=a.clinvar.significance,
            review_status=a.clinvar.review_status,
            stars=a.clinvar.stars,
            conditions=list(a.clinvar.conditions),
            accession=a.clinvar.accession,
            release=f"ClinVar {clinvar_release}",
            submitted=list(a.clinvar.submitted),
            accessions=list(a.clinvar.accessions),
            dbsnp=list(a.clinvar.dbsnp),
        )
    if names is not None and names.source != "none":
        annotation = Annotation(
            gene=c.csq.gene,
            hgnc_id=c.gene.hgnc_id,
            transcript=names.transcript,
            transcript_refseq=names.transcript_refseq,
            consequence="&".join(names.terms) or c.csq.consequence,
            hgvs_c=names.hgvs_c,
            hgvs_p=names.hgvs_p,
            hgvs_g=names.hgvs_g,
            max_population_af=pop.max_af,
            population_af_source=pop.max_source,
            nomenclature_source=f"{names.source}, cross-checked with bcftools csq",
        )
    else:
        annotation = Annotation(
            gene=c.csq.gene,
            hgnc_id=c.gene.hgnc_id,
            transcript=c.csq.transcript,
            consequence=c.csq.consequence,
            hgvs_c=c.csq.hgvs_c,
            hgvs_p=c.csq.hgvs_p,
            hgvs_g=names.hgvs_g if names else None,
            max_population_af=pop.max_af,
            population_af_source=pop.max_source,
            nomenclature_source="annotator's own HGVS (VEP)" if c.csq.hgvs_c else None,
        )
    shown = reported_class or c.classification
    return Finding(
        variant=Variant(
            chrom=a.chrom,
            pos1=a.pos1,
            ref=a.ref,
            alt=a.alt,
            genome_build=build,  # type: ignore[arg-type]
            zygosity=_zygosity(a),
            depth=a.depth,
            allele_fraction=a.allele_fraction,
            genotype_quality=a.genotype_quality,
            filters=a.filters,
        ),
        annotation=annotation,
        classification=shown,
        criteria=_models([*c.criteria, *_still_not_evaluated(c.criteria)]),
        clinvar=cv,
        tier=tier,
        inheritance=c.gene.inheritance,
        panel=c.panel.label,
        additional_finding=c.panel.additional_findings,
        genotype_fits_inheritance=fits,
        review_reason=reason,
        classification_source="clinvar" if reported_class is not None else "acmg_automated",
        automated_classification=c.classification,
        discordant=reported_class is not None and reported_class is not c.classification,
    )


_CLINVAR_CLASS = {
    "Pathogenic": Classification.PATHOGENIC,
    "Likely pathogenic": Classification.LIKELY_PATHOGENIC,
    # ClinVar's aggregate of P and LP submissions: reported as the weaker of the two
    "Pathogenic/Likely pathogenic": Classification.LIKELY_PATHOGENIC,
}


def _known_pathogenic(c: _Candidate, min_stars: int) -> Classification | None:
    cv = c.allele.clinvar
    if cv is None or not cv.known_pathogenic(min_stars):
        return None
    if any(r.code == "BA1" and r.status == "met" for r in c.criteria):
        return None  # common in a population: the review list, never a known-pathogenic report
    return _CLINVAR_CLASS.get(cv.significance)


def _rare(c: _Candidate) -> bool:
    return not any(r.code in {"BA1", "BS1"} and r.status == "met" for r in c.criteria)


def _triage(
    cands: list[_Candidate],
    request: SampleRequest,
    clinvar_release: str,
    naming: _Naming | None = None,
    known_min_stars: int = 2,
    family: _Family | None = None,
) -> tuple[list[Finding], list[Finding]]:
    known = {id(c): _known_pathogenic(c, known_min_stars) for c in cands}
    qualifying = Counter(
        c.csq.gene for c in cands if (known[id(c)] or c.classification) in P_LP
    )
    reported: list[Finding] = []
    review: list[Finding] = []
    for c in cands:
        klass = known[id(c)] or c.classification
        mode = mode_of(c.gene.inheritance)
        fits, why = genotype_fits(
            mode, c.allele.copies, c.allele.ploidy, qualifying[c.csq.gene], request.sex
        )
        evidence = family.evidence.get(id(c)) if family is not None else None
        if family is not None and evidence is not None:
            judged = family_fits(
                mode,
                evidence.segregation,
                family.pedigree,
                c.csq.gene in family.incomplete_penetrance,
                request.sex,
                qualifying[c.csq.gene],
            )
            if judged is not None:
                fits, why = judged
        tier = assign_tier(klass, fits, c.csq.is_protein_altering, _rare(c), not c.allele.filters)
        if (
            evidence is not None
            and tier is not Tier.TIER1
            and fits
            and _rare(c)
            and not c.allele.filters
            and gel_tier1(evidence.segregation, mode, c.csq.is_protein_altering)
        ):
            tier = Tier.TIER1  # GEL: de novo protein-altering in a dominant panel gene
        if c.panel.additional_findings and tier is Tier.TIER2:
            tier = Tier.NONE  # secondary findings: only P/LP are reported
        reason = None
        if tier is Tier.NONE and klass in P_LP:
            reason = f"{klass.value} but " + (
                f"failed filters {c.allele.filters}" if c.allele.filters else why
            )
        elif tier is Tier.NONE and c.allele.clinvar and c.allele.clinvar.mentions_pathogenic:
            met = [r.code for r in c.criteria if r.status == "met"] or ["none"]
            reason = (
                f"ClinVar {c.allele.clinvar.significance} ({c.allele.clinvar.stars} star(s)) "
                "but automated class "
                f"{c.classification.value} (met: {', '.join(met)})"
            )
        if tier is Tier.NONE and not reason:
            continue
        names = _names(c, naming)
        # without any SnpEff annotation the whole analysis is release-blocked (_limitations); with it, a
        # record whose names are missing, invalid or disputed between the tools goes to review
        if names is not None and names.problems and tier is not Tier.NONE and naming and naming.snpeff:
            # never pick one tool's answer silently: the scientist decides
            reason = "nomenclature for review: " + "; ".join(names.problems)
            tier = Tier.NONE
        elif names is not None and names.problems:
            reason = f"{reason}; nomenclature: {'; '.join(names.problems)}"
        finding = _finding(
            c, request.genome_build, tier, fits, clinvar_release, reason, names, known[id(c)]
        )
        if evidence is not None:
            finding = finding.model_copy(
                update={"segregation": evidence.segregation, "family_genotypes": evidence.genotypes}
            )
        (reported if tier is not Tier.NONE else review).append(finding)
    if family is None:
        reported.sort(key=lambda f: (f.tier.value, f.annotation.gene, f.variant.pos1))
    else:  # GEL: within a tier, variants that fit the gene's mode of inheritance rank first
        reported.sort(
            key=lambda f: (f.tier.value, not f.genotype_fits_inheritance, f.annotation.gene, f.variant.pos1)
        )
    return reported, review


def interpret(inputs: Inputs, request: SampleRequest, settings: InterpretSettings) -> Findings:
    """The whole stage for one sample, as a Findings object."""
    if not SAMPLE_ID.match(request.sample_id):
        raise ConfigError([f"sample_id {request.sample_id!r} is not a pseudonymous ID ({SAMPLE_ID.pattern})"])
    panels = [settings.load_panel(name) for name in settings.panel_names(request.test_code)]
    sf = settings.load_acmg_sf() if request.consent_additional_findings else None
    genes = _gene_index(panels, sf, settings.lof_mechanism_genes)
    vcf, column = _open_vcf(inputs.vcf, request)
    header = inspect_header(vcf, settings.population_af)
    clinvar_release = inputs.databases.get("ClinVar", "release not recorded")
    records = _records(vcf, inputs.vcf, request.sample_id)
    cands, examined, in_panel = _candidates(records, column, header, genes, settings, clinvar_release)
    vcf.close()
    naming = _naming(inputs, header, settings)
    family = _family(cands, inputs, request, settings) if inputs.family_vcf is not None else None
    try:
        reported, review = _triage(
            cands, request, clinvar_release, naming, settings.acmg.known_pathogenic_min_stars, family
        )
    finally:
        if naming is not None and naming.fasta is not None:
            naming.fasta.close()
    notes, blockers = _limitations(header, inputs)
    for blocker in _panel_blockers(panels, inputs.gff3):
        notes.append(blocker)
        blockers.append(blocker)
    panel_genes = [g for p in [*panels, *([sf] if sf else [])] for g in p.genes]
    coverage = []
    if inputs.thresholds and inputs.regions:
        maps = None
        if inputs.gff3 is not None and naming is not None:
            tables = {
                g: (t.id, t.accession) for g, t in naming.nomenclature.transcripts.items() if g in panel_genes
            }
            maps = cds_maps(inputs.gff3, tables) if tables else None
        coverage = gene_coverage(
            inputs.thresholds,
            inputs.regions,
            list(dict.fromkeys(panel_genes)),
            settings.coverage_threshold_x,
            inputs.quantized,
            maps,
        )
    depths = read_mosdepth_summary(inputs.mosdepth_summary) if inputs.mosdepth_summary else None
    sex = sex_check(request.sex, depths)
    if sex.mismatch:
        blockers.append(sex.note)
    if inputs.identity is not None:
        from clinwgs.identity.check import identity_blockers

        blockers += identity_blockers(inputs.identity)
    structural = _structural(inputs, request, settings, genes, reported) if inputs.sv_vcf else None
    if structural is not None:
        blockers += structural[2]
    if family is not None:
        notes += family.notes
        blockers += family_release_blockers(family.summary)
    import cyvcf2

    return Findings(
        sample_id=request.sample_id,
        test_code=request.test_code,
        genome_build=request.genome_build,  # type: ignore[arg-type]
        generated_at=datetime.now(UTC),
        pipeline_version=__version__,
        panels=[
            PanelUsed(name=p.name, version=p.version, source=p.source, genes=list(p.genes))
            for p in [*panels, *([sf] if sf else [])]
        ],
        findings=reported,
        variants_examined=examined,
        variants_in_panel=in_panel,
        coverage=coverage,
        sex_check=sex,
        additional_findings_consented=request.consent_additional_findings,
        release_blocked=bool(blockers),
        release_blockers=blockers,
        databases=dict(inputs.databases),
        for_review=review,
        tool_versions={**header.annotators, "cyvcf2": cyvcf2.__version__, "clinwgs": __version__},
        notes=notes,
        family=family.summary if family is not None else None,
        structural_analysis=structural[0] if structural else None,
        structural_findings=structural[1] if structural else [],
    )


def _structural(
    inputs: Inputs,
    request: SampleRequest,
    settings: InterpretSettings,
    genes: dict[str, tuple[PanelGene, Panel]],
    reported: list[Finding],
) -> tuple[Any, Any, list[str]]:
    """SV/CNV findings (clinwgs.interpret.sv_findings) when the sample has an SV VCF."""
    from clinwgs.interpret.sv_findings import SvRequest, interpret_structural, load_constraint_if

    assert inputs.sv_vcf is not None
    nomenclature = load_nomenclature(inputs.manifest) if inputs.manifest else Nomenclature()
    transcripts = {**{g: t.id for g, t in nomenclature.transcripts.items()}, **settings.transcripts}
    refseq = {g: t.refseq for g, t in nomenclature.transcripts.items() if t.refseq}
    qualifying = Counter(f.annotation.gene for f in reported if f.classification in P_LP)
    return interpret_structural(
        inputs.sv_vcf,
        SvRequest(request.sample_id, request.genome_build, request.sex),
        genes,
        inputs.gff3,
        transcripts,
        refseq,
        load_constraint_if(settings.gene_constraint),
        settings.lof_mechanism_genes,
        qualifying,
        inputs.sv_alignment,
        inputs.reference,
    )


@dataclass
class _Family:
    """The proband's family: pedigree, QC summary and each candidate's segregation (by candidate id)."""

    pedigree: Pedigree
    summary: FamilySummary
    incomplete_penetrance: set[str]
    evidence: dict[int, FamilyEvidence]
    notes: list[str]


def _family(
    cands: list[_Candidate], inputs: Inputs, request: SampleRequest, settings: InterpretSettings
) -> _Family:
    """Segregation of every candidate allele in the family VCF, compound heterozygotes per gene, and the
    family's ACMG criteria (PS2/PM6/PM3) added to each candidate (whose class is then recombined)."""
    assert inputs.family_vcf is not None
    if inputs.pedigree is None:
        raise ConfigError(["a family VCF was given without its pedigree (pedigree.json)"])
    pedigree = load_pedigree(inputs.pedigree)
    if pedigree.proband != request.sample_id:
        raise InputIntegrityError(
            f"the pedigree's proband is {pedigree.proband!r}, not this sample", path=inputs.pedigree
        )
    qc = load_family_qc(inputs.family_qc) if inputs.family_qc is not None else None
    notes = [] if qc is not None else [NO_QC]
    vcf = FamilyVcf(inputs.family_vcf, pedigree)
    try:
        vcf.prefetch({(c.allele.chrom, c.allele.pos1) for c in cands})
        seen: dict[tuple[str, int, str, str], FamilyEvidence] = {}
        for c in cands:
            a = c.allele
            key = (a.chrom, a.pos1, a.ref, a.alt)
            if key not in seen:
                seg, genotypes = segregate_allele(vcf, *key, request.genome_build)
                seen[key] = FamilyEvidence(seg, genotypes)
        parents = vcf.sequenced_parents
    finally:
        vcf.close()
    missing = [r for r, p in (("father", pedigree.father), ("mother", pedigree.mother)) if p not in parents]
    if missing:
        notes.append(
            f"family analysis without the {' and '.join(missing)}: segregation is 'phase unknown' where "
            "that parent's genotype is needed"
        )
    label = {id(c): f"{c.allele.chrom}:{c.allele.pos1} {c.allele.ref}>{c.allele.alt}" for c in cands}
    evidence = {id(c): seen[(c.allele.chrom, c.allele.pos1, c.allele.ref, c.allele.alt)] for c in cands}
    min_stars = settings.acmg.known_pathogenic_min_stars
    klass = {id(c): _known_pathogenic(c, min_stars) or c.classification for c in cands}
    pairable = [c for c in cands if _rare(c) and (c.csq.is_protein_altering or klass[id(c)] in P_LP)]
    paired = pair_compound_hets(
        (label[id(c)], c.csq.gene, evidence[id(c)].segregation) for c in pairable
    )
    by_label = {(c.csq.gene, label[id(c)]): c for c in cands}
    qc_status = qc.status if qc is not None else "not_run"
    for c in cands:
        e = evidence[id(c)]
        seg = paired.get((c.csq.gene, label[id(c)]), e.segregation)
        if seg is not e.segregation:
            evidence[id(c)] = e = FamilyEvidence(seg, e.genotypes)
        partner = by_label.get((c.csq.gene, seg.partner)) if seg.partner else None
        c.criteria = [
            *c.criteria,
            *family_criteria(
                seg,
                c.csq.gene,
                mode_of(c.gene.inheritance),
                request.sex,
                qc_status,
                klass[id(partner)] if partner is not None else None,
            ),
        ]
        c.classification = classify(c.criteria)
    return _Family(pedigree, summary(pedigree, qc), settings.incomplete_penetrance_genes, evidence, notes)


def _naming(inputs: Inputs, header: HeaderInfo, settings: InterpretSettings) -> _Naming | None:
    """HGVS naming set-up; None for a VEP-annotated VCF (VEP's own HGVS names are used as they are)."""
    if header.consequence_key != "BCSQ":
        return None
    nomenclature = load_nomenclature(inputs.manifest) if inputs.manifest else Nomenclature()
    fasta = None
    if inputs.reference is not None:
        import pysam

        try:
            fasta = pysam.FastaFile(str(inputs.reference))
        except (OSError, ValueError) as exc:
            raise InputIntegrityError(f"cannot open reference FASTA: {exc}", path=inputs.reference) from exc
    return _Naming(nomenclature, fasta, header.annotators.get("SnpEff"), settings.transcripts)


def _limitations(header: HeaderInfo, inputs: Inputs) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    blockers: list[str] = []
    if header.consequence_key is None:
        notes.append(NO_CONSEQUENCES)
        blockers.append(NO_CONSEQUENCES)
    if not header.population:
        notes.append("no population allele frequencies in the VCF: PM2_Supporting, BA1 and BS1 not evaluated")
    if not header.has_clinvar:
        notes.append("no ClinVar annotation in the VCF: ClinVar evidence not cited")
    if header.consequence_key == "BCSQ" and not header.has_ann:
        no_names = "no SnpEff annotation (INFO/ANN) in the VCF: reported variants have no c./p. names"
        notes.append(no_names)
        blockers.append(no_names)
    if not (inputs.thresholds and inputs.regions):
        notes.append("coverage was not supplied: no gene can be called fully assessed")
    return notes, blockers


def _panel_blockers(panels: list[Panel], gff3: Path | None) -> list[str]:
    """The test's panels must name genes, and (when the bundle has gene models) at least one must be modelled:
    otherwise nothing was analysed and the report must not read as a result."""
    genes = sorted({g for p in panels for g in p.genes})
    if not genes:
        return [NO_PANEL_GENES]
    if gff3 is not None and not gene_models(gff3, set(genes)):
        shown = ", ".join(genes[:10]) + (f" and {len(genes) - 10} more" if len(genes) > 10 else "")
        return [NO_GENE_MODELS.format(n=len(genes), genes=shown)]
    return []


def database_releases(bundle: Any) -> dict[str, str]:
    """Name -> release of every database a reference bundle (clinwgs.reference.bundles.Bundle) supplies."""
    files = bundle.files
    pairs = [("Reference", f"{bundle.name} ({bundle.build})")]
    if files.gff3 is not None:
        pairs.append(("Gene models", files.gff3.release or files.gff3.source or files.gff3.path.name))
    if files.clinvar is not None:
        pairs.append(("ClinVar", files.clinvar.release or "release not recorded"))
    pairs += [(pop.name, pop.release or "release not recorded") for pop in files.pop_af]
    return dict(pairs)


def run_sample(
    inputs: Inputs, request: SampleRequest, settings: InterpretSettings, out_json: Path, out_tsv: Path
) -> str:
    """Interpret one sample, write findings.json and findings.tsv; returns a one-line summary."""
    # a short-lived process that allocates many small objects which all live until it writes its output:
    # cyclic garbage collection passes only cost time here (about a third of the run)
    gc.disable()
    findings = interpret(inputs, request, settings)
    write_findings(findings, out_json, out_tsv)
    tier1 = sum(f.tier is Tier.TIER1 for f in findings.findings)
    return (
        f"{findings.sample_id}: {findings.variants_examined} records, "
        f"{findings.variants_in_panel} in panel genes, {tier1} Tier 1, "
        f"{len(findings.findings) - tier1} other reported, {len(findings.for_review)} for review"
    )
