#!/usr/bin/env bash
# Regenerates the interpretation test fixtures with the real tools (bcftools 1.16, mosdepth) from the shared
# public data (/work/shared/data, provenance in its MANIFEST.tsv). Run from this directory. Not run by tests.
set -euo pipefail
D=${SHARED:-/work/shared/data}/brca1_grch38
REPO=$(git rev-parse --show-toplevel)
HERE=$PWD
FA=$D/GRCh38_chr17_BRCA1only_Nmasked.fa.gz
GFF=$D/gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# SnpEff database from the same GFF3 and FASTA (as rules/ref.smk: build_snpeff_db) and the ClinVar file collapsed
# to one record per allele (rules/ref.smk: prepare_clinvar)
mkdir -p "$tmp/se/data/B"
sed -E 's/(ID|Parent)=(gene|transcript):/\1=/g' "$GFF" > "$tmp/se/data/B/genes.gff"
cp "$FA" "$tmp/se/data/B/sequences.fa.gz"
printf 'data.dir = ./data/\nB.genome : B\n' > "$tmp/se/snpEff.config"
SNPEFF="java -Xmx2g -jar /usr/share/java/snpeff.jar"
$SNPEFF build -gff3 -noLog -nodownload -noCheckCds -noCheckProtein -c "$tmp/se/snpEff.config" B >/dev/null 2>&1
bcftools norm -f "$FA" -m -any -c w "$D/clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz" -Ou \
  | bcftools sort -Oz -o "$tmp/cv.norm.vcf.gz"
"$REPO/.venv/bin/python" -c "import sys; from clinwgs.interpret.clinvar_prep import cli_main; sys.exit(cli_main(sys.argv[1:]))" --vcf "$tmp/cv.norm.vcf.gz" --out "$tmp/cv.vcf.gz"
annotate() {  # $1 input VCF (one sample), $2 output .annotated.vcf.gz
  bcftools csq -f "$FA" -g "$GFF" -p a "$1" -Ov 2>/dev/null \
    | $SNPEFF ann -noLog -noStats -nodownload -noInteraction -c "$tmp/se/snpEff.config" B - 2>/dev/null \
    | bcftools view -Oz -o "$tmp/a.vcf.gz" && tabix -f "$tmp/a.vcf.gz"
  bcftools annotate --pair-logic exact -a "$tmp/cv.vcf.gz" \
    -c INFO/CLNSIG,INFO/CLNREVSTAT,INFO/CLNDN,INFO/CLNHGVS,INFO/CLNACC,INFO/CLNRSALL \
    "$tmp/a.vcf.gz" -Oz -o "$tmp/b.vcf.gz" && tabix -f "$tmp/b.vcf.gz"
  bcftools annotate -a "$D/exac_r0.3.BRCA1.GRCh38.vcf.gz" -c POP_AF_EXAC:=INFO/AF "$tmp/b.vcf.gz" -Oz -o "$tmp/c.vcf.gz"
  tabix -f "$tmp/c.vcf.gz"
  bcftools annotate -a "$D/1000G_phase3.BRCA1.sites.GRCh38.vcf.gz" -c POP_AF_1KG:=INFO/AF "$tmp/c.vcf.gz" \
    --no-version -Oz -o "$2" && tabix -f "$2"
}
# 1000 Genomes phase-3 genotypes of the three demo samples (their real BRCA1 variants)
for s in HG00096 HG00099 HG00101; do
  bcftools view -s "$s" -c1 "$D/1000G_phase3.BRCA1.HG00096_HG00099_HG00101.GRCh38.vcf.gz" -Ou \
    | bcftools annotate -x INFO -Oz -o "$tmp/$s.vcf.gz"
  annotate "$tmp/$s.vcf.gz" "$s.annotated.vcf.gz"
done
# PC001: the positive-control variant list (BRCA1 c.68_69delAG, het), INFO stripped
bcftools annotate -x INFO "$REPO/reference/demo_reads/PC001.variants.vcf" -Oz -o "$tmp/PC001.vcf.gz"
annotate "$tmp/PC001.vcf.gz" PC001.annotated.vcf.gz
# coverage of the R208 demo panel over HG00099's real 1000 Genomes reads (~5-8x)
(cd "$REPO" && .venv/bin/python -c "from pathlib import Path; from clinwgs.interpret.panel_bed import \
panel_bed_for_test as f; f(Path('config/panels.yaml'), 'R208', Path('$GFF'), Path('$HERE/R208.panel.bed'))")
mosdepth -n --thresholds 20 --by R208.panel.bed "$tmp/HG00099" "$D/HG00099.BRCA1.GRCh38.bam"
cp "$tmp/HG00099.thresholds.bed.gz" HG00099.panel.thresholds.bed.gz
cp "$tmp/HG00099.regions.bed.gz" HG00099.panel.regions.bed.gz
# Scout demo trio (GRCh37, VEP CSQ, numeric CLNSIG): copied unchanged
cp "${SHARED:-/work/shared/data}/clinical/643594.clinical.vcf.gz" .
