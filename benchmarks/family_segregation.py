"""Family analysis (issue 16), VCF level: segregation of every allele the proband carries in the real Scout
demo trio 643594 (reads ../shared/data/clinical/643594.clinical.vcf.gz and 643594.ped by default; pass other
paths to use the copies in tests/data/interpret). Prints the count of each segregation class, overall and for
PASS records only.

    .venv/bin/python benchmarks/family_segregation.py [VCF PED]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from clinwgs.interpret.segregation import MIN_DEPTH, segregate_vcf
from tests.support.family_vcf import pedigree_from_ped

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinical"


def main(argv: list[str]) -> int:
    vcf = Path(argv[0]) if argv else SHARED / "643594.clinical.vcf.gz"
    ped = pedigree_from_ped(Path(argv[1]) if len(argv) > 1 else SHARED / "643594.ped")
    results = segregate_vcf(vcf, ped, "GRCh37")
    every = Counter(seg.pattern for _, _, seg in results)
    passed = Counter(seg.pattern for _, filters, seg in results if filters == "PASS")
    print(f"family {ped.family_id}: proband {ped.proband}, father {ped.father}, mother {ped.mother}")
    print(f"{len(results)} ALT alleles carried by the proband ({sum(passed.values())} in PASS records); "
          f"parental reference calls need >= {MIN_DEPTH}x")  # fmt: skip
    print("| segregation | all records | PASS records |")
    print("|---|---|---|")
    for pattern, n in every.most_common():
        print(f"| {pattern} | {n} | {passed.get(pattern, 0)} |")
    unknown = Counter(
        "proband below the depth" if "proband's depth" in seg.description
        else "both parents carry it" if "both parents carry" in seg.description
        else "a parent's call missing, shallow or with alt reads"
        for _, _, seg in results if seg.pattern == "phase_unknown"
    )  # fmt: skip
    print("phase unknown, why: " + "; ".join(f"{why} {n}" for why, n in unknown.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
