"""A SIMULATED, seeded trio (father, mother, proband) over a bundle region, for family-analysis accuracy
figures, tests and the demo (issue 16). Reads come from ``clinwgs.validation.simulate`` (same read model).

Model (documented so that the expected result is unambiguous):
- background SNVs: the common SNVs of a population sites VCF when one is given (1000 Genomes phase 3 of the
  bundle: biallelic, AF 0.05-0.95, REF matching; so the bundle's fingerprint sites vary between members as in
  real people), plus one random position per ``snv_spacing`` bp of the region's non-N bases on average (a
  dense, deliberately informative set: real genomes have about one heterozygous site per kb) with a random
  ALT base and an allele frequency uniform in [0.05, 0.5], kept out of exons (+-20 bp) of the gene models
  when given, so that no made-up variant changes a protein; each parental haplotype carries the ALT
  independently with that frequency (Hardy-Weinberg, unrelated parents);
- the proband inherits one haplotype of each parent, chosen at random (no recombination: the regions are
  tens of kb);
- planted variants are real ClinVar variants of the bundle (CLNSIG Pathogenic, reviewed by multiple
  submitters), each at least ``min_gap`` bp from every other planted variant and background SNV:
  ``de_novo_snv`` and ``de_novo_indel`` on one of the proband's haplotypes only (absent from both parents);
  ``compound_het`` twice, one on the haplotype the father transmits (father het) and one on the haplotype the
  mother transmits (mother het); ``homozygous`` on both transmitted haplotypes (both parents het carriers).
  X-linked variants are not planted: the GRCh38_BRCA1 and GRCh37_chr20 bundles have no chrX.

Outputs (``out_dir``): ``<ID>.R1/R2.fastq.gz`` per member, ``trio.truth.vcf`` (phased GT of the three members
at every simulated variant, INFO/PLANTED naming the planted kind) and ``planted.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam

from clinwgs.core.io import write_text_atomic
from clinwgs.validation.simulate import (
    Region,
    SimParams,
    Variant,
    build_haplotypes,
    load_region,
    write_reads,
)

PLANTED_KINDS = (
    "de_novo_snv",
    "de_novo_indel",
    "compound_het_paternal",
    "compound_het_maternal",
    "homozygous",
)


@dataclass(frozen=True)
class TrioIds:
    proband: str
    father: str
    mother: str


@dataclass(frozen=True)
class TrioVariant:
    pos1: int
    ref: str
    alt: str
    var_id: str
    kind: str  # background or one of PLANTED_KINDS
    father: tuple[int, int]  # ALT on haplotype 0 / 1 (1 = carries)
    mother: tuple[int, int]
    proband: tuple[int, int]  # (from father, from mother)


@dataclass(frozen=True)
class TrioSimulation:
    ids: TrioIds
    variants: list[TrioVariant]
    fastqs: dict[str, tuple[Path, Path]]
    truth_vcf: Path
    planted_tsv: Path


def _clinvar_candidates(clinvar: Path, region: Region) -> tuple[list[tuple[int, str, str, str]], ...]:
    """(SNVs, small deletions/insertions) of ClinVar Pathogenic, multiple-submitter variants in ``region``."""
    snvs: list[tuple[int, str, str, str]] = []
    indels: list[tuple[int, str, str, str]] = []
    with pysam.VariantFile(str(clinvar)) as handle:
        for rec in handle.fetch(region.chrom, region.start0 + 1000, region.end0 - 1000):
            sig = str(rec.info.get("CLNSIG", ""))
            stat = str(rec.info.get("CLNREVSTAT", ""))
            if "Pathogenic" not in sig or "onflict" in sig or "multiple_submitters" not in stat:
                continue
            alts, ref = rec.alts or (), rec.ref or ""
            if len(alts) != 1 or not set(ref + alts[0]) <= set("ACGT"):
                continue
            item = (rec.pos, ref, alts[0], rec.id or ".")
            if len(ref) == 1 and len(alts[0]) == 1:
                snvs.append(item)
            elif 1 <= abs(len(ref) - len(alts[0])) <= 4 and max(len(ref), len(alts[0])) <= 5:
                indels.append(item)
    return snvs, indels


def _pick_planted(
    clinvar: Path, region: Region, rng: np.random.Generator, min_gap: int
) -> list[tuple[str, tuple[int, str, str, str]]]:
    snvs, indels = _clinvar_candidates(clinvar, region)
    chosen: list[tuple[str, tuple[int, str, str, str]]] = []
    wanted = [
        ("de_novo_snv", snvs),
        ("de_novo_indel", indels),
        ("compound_het_paternal", snvs),
        ("compound_het_maternal", indels),
        ("homozygous", snvs),
    ]
    for kind, pool in wanted:
        order = rng.permutation(len(pool))
        for i in order:
            cand = pool[int(i)]
            if all(abs(cand[0] - c[1][0]) >= min_gap for c in chosen):
                chosen.append((kind, cand))
                break
        else:
            raise ValueError(f"no ClinVar variant available for {kind} in {region}")
    return chosen


def _population_snvs(sites: Path, ref: np.ndarray, region: Region) -> list[tuple[int, str, str, float]]:
    """Biallelic SNVs with AF 0.05-0.95 whose REF matches the reference, from a population sites VCF."""
    out = []
    with pysam.VariantFile(str(sites)) as handle:
        for rec in handle.fetch(region.chrom, region.start0, region.end0):
            alts, ref_b = rec.alts or (), (rec.ref or "").upper()
            af = rec.info.get("AF")
            af = af[0] if isinstance(af, tuple) else af
            if len(alts) != 1 or len(ref_b) != 1 or alts[0].upper() not in {"A", "C", "G", "T"} or af is None:
                continue
            if 0.05 <= float(af) <= 0.95 and "ACGTN"[int(ref[rec.pos - 1 - region.start0])] == ref_b:
                out.append((rec.pos, ref_b, alts[0].upper(), float(af)))
    return out


def exon_mask(gff3: Path, region: Region, pad: int = 20) -> np.ndarray:
    """True at every base of the region within ``pad`` bp of an exon or CDS of the GFF3."""
    mask = np.zeros(region.length, dtype=bool)
    for line in gff3.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if (
            line.startswith("#")
            or len(fields) < 5
            or fields[0] != region.chrom
            or fields[2] not in {"exon", "CDS"}
        ):
            continue
        start = max(0, int(fields[3]) - 1 - pad - region.start0)
        end = min(region.length, int(fields[4]) + pad - region.start0)
        if start < end:
            mask[start:end] = True
    return mask


def _background(
    ref: np.ndarray,
    region: Region,
    spacing: int,
    taken: list[int],
    min_gap: int,
    rng: np.random.Generator,
    population: list[tuple[int, str, str, float]] | None = None,
    avoid: np.ndarray | None = None,
) -> list[tuple[int, str, str, float]]:
    allowed = ref < 4 if avoid is None else (ref < 4) & ~avoid
    acgt = np.nonzero(allowed)[0]
    n = len(acgt) // spacing
    positions = np.sort(rng.choice(acgt, size=n, replace=False))
    out = [p for p in population or [] if all(abs(p[0] - t) >= min_gap for t in taken)]
    near_real = {p[0] + d for p in out for d in range(-3, 4)}
    last = -(10**9)
    for offset in positions.tolist():
        pos1 = region.start0 + offset + 1
        if pos1 - last < 3 or pos1 in near_real or any(abs(pos1 - t) < min_gap for t in taken):
            continue
        ref_base = int(ref[offset])
        alt_base = (ref_base + int(rng.integers(1, 4))) % 4
        af = float(rng.uniform(0.05, 0.5))
        out.append((pos1, "ACGT"[ref_base], "ACGT"[alt_base], af))
        last = pos1
    return sorted(out)


def plan_trio(
    ref: np.ndarray,
    region: Region,
    clinvar: Path,
    seed: int,
    snv_spacing: int = 150,
    min_gap: int = 300,
    population: Path | None = None,
    gff3: Path | None = None,
) -> list[TrioVariant]:
    """Every simulated variant with the three members' haplotypes (see the module docstring)."""
    rng = np.random.default_rng(seed)
    planted = _pick_planted(clinvar, region, rng, min_gap)
    father_tx, mother_tx = int(rng.integers(0, 2)), int(rng.integers(0, 2))  # transmitted haplotypes
    common = _population_snvs(population, ref, region) if population else None
    variants = []
    taken = [p[1][0] for p in planted]
    avoid = exon_mask(gff3, region) if gff3 else None
    for pos1, ref_b, alt_b, af in _background(ref, region, snv_spacing, taken, min_gap, rng, common, avoid):
        f = (int(rng.random() < af), int(rng.random() < af))
        m = (int(rng.random() < af), int(rng.random() < af))
        if sum(f) + sum(m) == 0:
            continue
        variants.append(
            TrioVariant(pos1, ref_b, alt_b, ".", "background", f, m, (f[father_tx], m[mother_tx]))
        )
    for kind, (pos1, ref_b, alt_b, vid) in planted:
        none = (0, 0)
        tx_f = (1, 0) if father_tx == 0 else (0, 1)
        tx_m = (1, 0) if mother_tx == 0 else (0, 1)
        if kind.startswith("de_novo"):
            f, m, p = none, none, (int(kind == "de_novo_snv"), int(kind == "de_novo_indel"))
        elif kind == "compound_het_paternal":
            f, m, p = tx_f, none, (1, 0)
        elif kind == "compound_het_maternal":
            f, m, p = none, tx_m, (0, 1)
        else:
            f, m, p = tx_f, tx_m, (1, 1)
        variants.append(TrioVariant(pos1, ref_b, alt_b, vid, kind, f, m, p))
    return sorted(variants, key=lambda v: v.pos1)


def _member_variants(variants: list[TrioVariant], member: str) -> list[Variant]:
    return [
        Variant(v.pos1, v.ref, v.alt, v.var_id, tuple(h for h in (0, 1) if getattr(v, member)[h]))
        for v in variants
        if any(getattr(v, member))
    ]


def write_trio_truth(variants: list[TrioVariant], region: Region, ids: TrioIds, out: Path) -> None:
    lines = [
        "##fileformat=VCFv4.2",
        "##source=clinwgs simulate_trio (SIMULATED trio; truth of what was put into the reads)",
        f"##contig=<ID={region.chrom}>",
        '##INFO=<ID=PLANTED,Number=1,Type=String,Description="planted kind (absent: background SNV)">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype (proband: paternal|maternal)">',
        "\t".join(
            [
                "#CHROM",
                "POS",
                "ID",
                "REF",
                "ALT",
                "QUAL",
                "FILTER",
                "INFO",
                "FORMAT",
                ids.proband,
                ids.father,
                ids.mother,
            ]
        ),
    ]
    for v in variants:
        info = f"PLANTED={v.kind}" if v.kind != "background" else "."
        gts = ["|".join(map(str, g)) for g in (v.proband, v.father, v.mother)]
        lines.append(
            "\t".join([region.chrom, str(v.pos1), v.var_id, v.ref, v.alt, ".", "PASS", info, "GT", *gts])
        )
    write_text_atomic(out, "\n".join(lines) + "\n")


def simulate_trio(
    reference: Path,
    clinvar: Path,
    region: Region,
    ids: TrioIds,
    out_dir: Path,
    params: SimParams,
    swap_proband_with: str | None = None,
    population: Path | None = None,
    gff3: Path | None = None,
) -> TrioSimulation:
    """Simulate the trio's reads (seed ``params.seed``; each member's reads seeded from it in turn).

    ``swap_proband_with`` ("father" or "mother"): the proband's FASTQs hold that parent's reads instead (a
    sample swap, for the family QC test); the truth still describes the declared trio."""
    ref = load_region(reference, region)
    variants = plan_trio(ref, region, clinvar, params.seed, population=population, gff3=gff3)
    out_dir.mkdir(parents=True, exist_ok=True)
    fastqs = {}
    for index, (member, sample) in enumerate(
        (("proband", ids.proband), ("father", ids.father), ("mother", ids.mother))
    ):
        source = swap_proband_with if member == "proband" and swap_proband_with else member
        haps = build_haplotypes(ref, region, _member_variants(variants, source), None)
        rng = np.random.default_rng([params.seed, index])
        r1, r2, _ = write_reads(haps, region, sample, out_dir / sample, params, rng)
        fastqs[sample] = (r1, r2)
    truth = out_dir / "trio.truth.vcf"
    write_trio_truth(variants, region, ids, truth)
    planted = out_dir / "planted.tsv"
    rows = ["kind\tchrom\tpos\tref\talt\tid"] + [
        f"{v.kind}\t{region.chrom}\t{v.pos1}\t{v.ref}\t{v.alt}\t{v.var_id}"
        for v in variants
        if v.kind != "background"
    ]
    write_text_atomic(planted, "\n".join(rows) + "\n")
    return TrioSimulation(ids, variants, fastqs, truth, planted)


BRCA1_REGION = Region("chr17", 43044293, 43125483)  # the real (non-N) BRCA1 bases of reference/GRCh38_BRCA1
DEMO_TRIO = TrioIds("TRIO01P", "TRIO01F", "TRIO01M")


def simulate_brca1_trio(
    repo: Path,
    out_dir: Path,
    ids: TrioIds = DEMO_TRIO,
    params: SimParams | None = None,
    swap_proband_with: str | None = None,
) -> TrioSimulation:
    """The demo/benchmark trio: 30x (seed 16) over BRCA1 of reference/GRCh38_BRCA1 with its ClinVar, its
    1000 Genomes common SNVs and its gene models (random SNVs kept out of exons)."""
    bundle = repo / "reference" / "GRCh38_BRCA1"
    return simulate_trio(
        bundle / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz",
        bundle / "clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz",
        BRCA1_REGION,
        ids,
        out_dir,
        params or SimParams(seed=16),
        swap_proband_with,
        bundle / "1000G_phase3.BRCA1.sites.GRCh38.vcf.gz",
        bundle / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3",
    )


DEMO_TRIO_DIR = Path("resources/demo/trio")


def ensure_demo_trio(repo: Path) -> None:
    """Simulate the demo's trio FAM001 (TRIO01P/F/M; de novo pathogenic BRCA1 SNV in the proband) under
    resources/demo/trio/ unless all six FASTQs exist (config/units.tsv names them)."""
    out = repo / DEMO_TRIO_DIR
    ids = (DEMO_TRIO.proband, DEMO_TRIO.father, DEMO_TRIO.mother)
    if all((out / f"{s}.R{m}.fastq.gz").is_file() for s in ids for m in (1, 2)):
        return
    print(f"clinwgs demo: simulating trio FAM001 ({', '.join(ids)}) -> {DEMO_TRIO_DIR}/", flush=True)
    simulate_brca1_trio(repo, out)
