"""Two-caller consensus, measured but not the default (docs/BENCHMARKS.md "Accuracy after issue 15").

The bcftools records are kept as they are, except: an indel of at least ``--min-length`` bp that bcftools
calls heterozygous and FreeBayes calls homozygous at the same record (same POS/REF/ALT after
`bcftools norm -m -any`) with no FreeBayes read supporting REF (FORMAT/AD[0] == 0) becomes homozygous. Sites
where bcftools writes more than one ALT record (a split multi-allelic call) are left alone. The rule targets
the long homozygous insertions that bcftools calls heterozygous: reads that end inside the insertion count
as REF in bcftools' pileup, while FreeBayes' haplotype-aware read assignment leaves them out.

usage (repository root):
  .venv/bin/python benchmarks/consensus_regenotype.py BCF.vcf.gz FREEBAYES.vcf.gz OUT.vcf.gz [--min-length 4]
Both inputs: the callers' records over the same region, split and left-aligned
(`bcftools norm -f REF -m -any`).
Prints how many records were re-genotyped.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import pysam


def _genotype(record: pysam.VariantRecord) -> tuple[int, ...]:
    return tuple(sorted(g or 0 for g in record.samples[0]["GT"]))


def regenotype(bcftools_vcf: Path, freebayes_vcf: Path, out: Path, min_length: int = 4) -> int:
    """Write the consensus VCF (bgzipped, indexed) and return the number of re-genotyped records."""
    freebayes: dict[tuple[str, int, str, str], tuple[tuple[int, ...], tuple[int, ...]]] = {}
    with pysam.VariantFile(str(freebayes_vcf)) as vcf:
        for rec in vcf:
            ad = tuple(rec.samples[0].get("AD") or ())
            freebayes[(rec.chrom, rec.pos, rec.ref or "", (rec.alts or ("",))[0])] = (_genotype(rec), ad)
    with pysam.VariantFile(str(bcftools_vcf)) as vcf:
        per_site = Counter((rec.chrom, rec.pos) for rec in vcf)
    changed = 0
    with (pysam.VariantFile(str(bcftools_vcf)) as vcf,
          pysam.VariantFile(str(out), "wz", header=vcf.header) as o):
        for rec in vcf:
            ref, alt = rec.ref or "", (rec.alts or ("",))[0]
            other = freebayes.get((rec.chrom, rec.pos, ref, alt))
            if (other is not None and per_site[(rec.chrom, rec.pos)] == 1 and _genotype(rec) == (0, 1)
                    and abs(len(ref) - len(alt)) >= min_length and other[0] == (1, 1)
                    and other[1] and other[1][0] == 0):
                rec.samples[0]["GT"] = (1, 1)
                changed += 1
            o.write(rec)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bcftools_vcf", type=Path)
    parser.add_argument("freebayes_vcf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-length", type=int, default=4)
    args = parser.parse_args(argv)
    changed = regenotype(args.bcftools_vcf, args.freebayes_vcf, args.out, args.min_length)
    print(f"re-genotyped {changed} records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
