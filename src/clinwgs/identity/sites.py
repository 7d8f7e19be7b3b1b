"""The fingerprint panel of a reference bundle: common biallelic SNPs from the bundle's population VCF.

Selection (``select_sites``; rebuilt by reference/build_bundles.py, never at run time):
- biallelic SNP, FILTER PASS, global AF 0.2-0.8 (informative in every population: het in 32-50 % of people);
- every super-population AF (EAS/AMR/AFR/EUR/SAS, where the VCF has them) 0.05-0.95;
- non-repetitive local sequence: no homopolymer of 6+ and no 2-4 bp unit repeated 4+ times within 10 bp
  either side (pileup and alignment errors concentrate there); reference base matches REF; no N nearby;
- no other population variant of AF >= 1 % within 10 bp (it would disturb the pileup at the site).
Each site gets a marker number (``block``): sites less than ``ld_window`` (100 kb) after the first site of
the current marker belong to it, because common SNPs that close together are often in strong linkage
disequilibrium (BRCA1's common haplotypes span the whole gene: HG00096 and HG00099 have the same genotype
at 2,049 of the 2,052 1000 Genomes sites there). A comparison counts the distinct markers it compared; a
confirmed match needs enough of them (docs/validation.md). File format: tab-separated, ``#``-comments, columns
chrom, pos (1-based), ref, alt, af, block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pysam

from clinwgs.core.errors import InputIntegrityError

POPS = ("EAS_AF", "AMR_AF", "AFR_AF", "EUR_AF", "SAS_AF")
COLUMNS = ("chrom", "pos", "ref", "alt", "af", "block")
_REPEAT = re.compile(r"([ACGT])\1{5,}|([ACGT]{2,4})\2{3,}")


@dataclass(frozen=True)
class Site:
    chrom: str
    pos: int  # 1-based
    ref: str
    alt: str
    af: float
    block: int

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.chrom, self.pos, self.ref, self.alt)


@dataclass(frozen=True)
class Selection:
    """Criteria of ``select_sites`` (recorded in the sites file's header)."""

    min_af: float = 0.2
    max_af: float = 0.8
    min_pop_af: float = 0.05
    flank: int = 10
    neighbour_min_af: float = 0.01
    ld_window: int = 100_000


def low_complexity(context: str) -> bool:
    """Homopolymer of 6+ or a 2-4 bp unit repeated 4+ times."""
    return _REPEAT.search(context.upper()) is not None


def _float(info: pysam.VariantRecordInfo, key: str) -> float | None:
    if key not in info:
        return None
    value = info[key]
    value = value[0] if isinstance(value, tuple) else value
    return float(value) if value is not None else None


def select_sites(vcf: Path, fasta: Path, how: Selection = Selection()) -> list[Site]:
    """The panel from a population sites VCF (global INFO/AF, optional super-population AFs) and the FASTA."""
    records = []
    with pysam.VariantFile(str(vcf)) as handle:
        for rec in handle:
            af = _float(rec.info, "AF")
            records.append((rec, af))
    neighbours = [
        (rec.chrom, rec.pos, rec.pos + len(rec.ref or "N") - 1)
        for rec, af in records
        if af is not None and af >= how.neighbour_min_af
    ]
    chosen: list[Site] = []
    with pysam.FastaFile(str(fasta)) as ref:
        for rec, af in records:
            alts = rec.alts or ()
            ref_allele = (rec.ref or "").upper()
            if af is None or len(alts) != 1 or len(ref_allele) != 1 or len(alts[0]) != 1:
                continue
            if set(rec.filter.keys()) - {"PASS"} or not how.min_af <= af <= how.max_af:
                continue
            pops = tuple(v for v in (_float(rec.info, k) for k in POPS) if v is not None)
            if any(not how.min_pop_af <= p <= 1 - how.min_pop_af for p in pops):
                continue
            start = max(0, rec.pos - 1 - how.flank)
            context = ref.fetch(rec.chrom, start, rec.pos + how.flank).upper()
            if ref.fetch(rec.chrom, rec.pos - 1, rec.pos).upper() != ref_allele or "N" in context:
                continue
            if low_complexity(context):
                continue
            near = [
                n for n in neighbours
                if n[0] == rec.chrom and n[1] <= rec.pos + how.flank and n[2] >= rec.pos - how.flank
                and n[1] != rec.pos
            ]
            if near:
                continue
            site = Site(rec.chrom, rec.pos, ref_allele, alts[0].upper(), round(af, 4), 0)
            chosen.append(site)
    return assign_blocks(chosen, how.ld_window)


def assign_blocks(sites: list[Site], window: int) -> list[Site]:
    """Marker numbers by distance: a marker ends ``window`` bp after its first site."""
    out: list[Site] = []
    block, chrom, first = 0, "", 0
    for site in sorted(sites, key=lambda s: (s.chrom, s.pos)):
        if site.chrom != chrom or site.pos - first >= window:
            block, chrom, first = block + 1, site.chrom, site.pos
        out.append(Site(site.chrom, site.pos, site.ref, site.alt, site.af, block))
    return out


def write_sites(sites: list[Site], out: Path, header: list[str]) -> None:
    lines = [f"# {h}\n" for h in header] + ["#" + "\t".join(COLUMNS) + "\n"]
    lines += [f"{s.chrom}\t{s.pos}\t{s.ref}\t{s.alt}\t{s.af}\t{s.block}\n" for s in sites]
    out.write_text("".join(lines), encoding="utf-8")


def load_sites(path: Path) -> list[Site]:
    """Read a panel; a malformed row is refused naming the file and line."""
    sites: list[Site] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputIntegrityError(f"cannot read fingerprint sites: {exc}", path=path) from exc
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            chrom, pos, ref, alt, af, block = parts
            site = Site(chrom, int(pos), ref, alt, float(af), int(block))
        except ValueError:
            raise InputIntegrityError(
                f"line {number}: expected {len(COLUMNS)} tab-separated columns {', '.join(COLUMNS)}, "
                f"got {line!r}",
                path=path,
            ) from None
        if site.pos < 1 or len(ref) != 1 or len(alt) != 1 or ref not in "ACGT" or alt not in "ACGT":
            raise InputIntegrityError(f"line {number}: not a biallelic SNP at a 1-based position", path=path)
        sites.append(site)
    if not sites:
        raise InputIntegrityError("no fingerprint sites in the file", path=path)
    return sites
