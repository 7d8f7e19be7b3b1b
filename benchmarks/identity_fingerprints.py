"""Fingerprint figures on the real 1000 Genomes demo BAMs (GRCh38_BRCA1 panel): sites called per sample and
per lane, and every comparison (reads vs reads, reads vs 1000 Genomes phase 3 genotypes) with its discordance,
informative-site count and verdict under the default thresholds. docs/BENCHMARKS.md quotes its output.

    .venv/bin/python benchmarks/identity_fingerprints.py
"""

from __future__ import annotations

import tempfile
from itertools import combinations
from pathlib import Path

import pysam

from clinwgs.config.models import IdentitySection
from clinwgs.core.io import sha256_file
from clinwgs.identity.compare import compare
from clinwgs.identity.genotype import Fingerprint, fingerprint_alignment, fingerprint_from_vcf
from clinwgs.identity.sites import load_sites
from clinwgs.reference.bundles import load_manifest

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = ("HG00096", "HG00099", "HG00101")


def main() -> None:
    bundle = load_manifest(ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml")
    assert bundle.files.fingerprint is not None
    panel = bundle.files.fingerprint.path
    sites, sha, settings = load_sites(panel), sha256_file(panel), IdentitySection()
    gts = ROOT / "tests" / "data" / "identity" / "1000G_phase3.HG00096_HG00099_HG00101.panel.vcf"
    reads: dict[str, Fingerprint] = {}
    print(f"panel: {len(sites)} sites, {len({s.block for s in sites})} marker(s)")
    print("| fingerprint | reads at sites (mean) | sites called |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for person in PEOPLE:
            bam = ROOT / "reference" / "demo_reads" / f"{person}.BRCA1.GRCh38.bam"
            reads[person] = fingerprint_alignment(bam, sites, sha, settings, person)
            with pysam.AlignmentFile(str(bam)) as src:
                groups = [rg["ID"] for rg in src.header.to_dict().get("RG", [])]
            for rg in groups if len(groups) > 1 else []:
                out = Path(tmp) / f"{rg}.bam"
                with pysam.AlignmentFile(str(bam)) as src:
                    dst = pysam.AlignmentFile(str(out), "wb", template=src)
                    for read in src:
                        if read.get_tag("RG") == rg:
                            dst.write(read)
                    dst.close()
                reads[f"{person}/{rg}"] = fingerprint_alignment(out, sites, sha, settings, person, rg)
    for name, fp in reads.items():
        depth = sum(c.ref_reads + c.alt_reads for c in fp.calls) / len(fp.calls)
        print(f"| {name} | {depth:.1f} | {fp.called} |")
    print("\n| comparison | sites called in both | discordant | discordance | verdict |")
    print("|---|---|---|---|---|")
    rows = [(a, b, reads[a], reads[b]) for a, b in combinations(reads, 2)]
    rows += [
        (p, f"1000G GT {q}", reads[p], fingerprint_from_vcf(gts, sites, sha, q, q))
        for p in PEOPLE for q in PEOPLE
    ]
    for a, b, fa, fb in rows:
        c = compare(fa, fb, settings)
        rate = "-" if c.discordance is None else f"{c.discordance:.3f}"
        print(f"| {a} vs {b} | {c.sites_compared} | {c.discordant} | {rate} | {c.verdict} |")


if __name__ == "__main__":
    main()
