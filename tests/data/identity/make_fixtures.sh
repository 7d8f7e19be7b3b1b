#!/usr/bin/env bash
# Expected fingerprints for the identity tests: the real 1000 Genomes phase 3 genotypes of HG00096, HG00099
# and HG00101 (shared/data/brca1_grch38, GRCh38 by offset) at the GRCh38_BRCA1 fingerprint panel's sites.
# Usage: bash tests/data/identity/make_fixtures.sh [/work/shared/data]
set -euo pipefail
shared=${1:-/work/shared/data}
here=$(cd "$(dirname "$0")" && pwd)
panel="$here/../../../reference/GRCh38_BRCA1/fingerprint_sites.GRCh38_BRCA1.tsv"
grep -v '^#' "$panel" | cut -f1,2 > "$here/.panel.pos"
src="$shared/brca1_grch38/1000G_phase3.BRCA1.HG00096_HG00099_HG00101.GRCh38.vcf.gz"
# INFO dropped (not needed; keeps the files small); genotypes unchanged
bcftools view --no-version -T "$here/.panel.pos" "$src" | bcftools annotate --no-version -x INFO -Ov \
  > "$here/1000G_phase3.HG00096_HG00099_HG00101.panel.vcf"
bcftools view --no-version -s HG00096 -T "$here/.panel.pos" "$src" | bcftools annotate --no-version -x INFO -Ov \
  > "$here/1000G_phase3.HG00096.panel.vcf"
rm "$here/.panel.pos"
