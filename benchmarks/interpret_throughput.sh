#!/usr/bin/env bash
# Interpretation throughput: `clinwgs interpret` vs `bcftools view -i <equivalent expression>` on the same
# annotated VCF, in the same run, each timed 3 times (median reported). Usage (from the repository root):
#   benchmarks/interpret_throughput.sh [tiles] [clinvar|sample|genome|scout]
#   environment: KEEP=<dir> keeps the files; REPS (default 3) timings each, interleaved; BASELINE_PY=<python or
#   wrapper> also times an older tree's interpreter in the same loop and checks its findings are the same
#     clinvar (default): 20 tiles = 53,180 records, nearly all reportable (worst case for the interpreter)
#     sample: the real HG00099 1000 Genomes calls annotated by the real tools (tests/data/interpret), 154
#             records, none reportable: the usual case; 350 tiles = 53,900 records
#     genome: the real Scout clinical trio VCF (GRCh37, VEP CSQ; tests/data/interpret), 680 records over many
#             genes of which few are BRCA1 panel genes, as in a genome; records repeated (not shifted);
#             80 tiles = 54,400 records; proband column ADM1059A2
#     scout:  the same VCF with its own Scout panel (test code SCOUT_DEMO, 265 genes): ~35 % of the records in
#             panel genes, a panel-heavy clinical exome rather than a genome; 80 tiles = 54,400 records
#
# Input "clinvar": the bundled ClinVar BRCA1 records (2,659, real) turned into a one-sample heterozygous VCF and annotated
# with the real tools (bcftools csq + ClinVar + ExAC + 1000G AF, as the workflow does), then TILED: copy k is
# shifted by k*100 kb along chr17 so the file is large enough to time. Every record keeps its BRCA1 annotation,
# so every record is "in panel": the worst case for the interpreter. This measures parsing + evaluation cost,
# not biology. bcftools only filters; interpret also classifies, tiers and writes findings.json/tsv.
set -euo pipefail
TILES=${1:-20}
MODE=${2:-clinvar}
SHARED=${SHARED:-reference/GRCh38_BRCA1}  # the bundled copies of ../shared/data/brca1_grch38
PY=${PY:-.venv/bin/python}
tmp=${KEEP:-$(mktemp -d)}; [ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT; mkdir -p "$tmp"
FA=$SHARED/GRCh38_chr17_BRCA1only_Nmasked.fa.gz
CV=$SHARED/clinvar_20150204.BRCA1.GRCh38.modern_format.DERIVED.vcf.gz

# one-sample VCF of the ClinVar alleles (GT 0/1), then the workflow's annotation steps
{ bcftools view -h "$CV" | grep -E '^##(fileformat|contig)'
  echo '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tBENCH01\n'
  bcftools query -f '%CHROM\t%POS\t%ID\t%REF\t%ALT\t50\tPASS\t.\tGT\t0/1\n' "$CV"; } > "$tmp/one.vcf"
bcftools sort -Oz -o "$tmp/one.vcf.gz" "$tmp/one.vcf" 2>/dev/null
# bcftools 1.16 `annotate -a` cannot read its input from a pipe (it needs an index): indexed files between steps
bcftools csq -l -p a -f "$FA" -g "$SHARED/gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3" -Oz -o "$tmp/a.vcf.gz" \
  "$tmp/one.vcf.gz" 2>/dev/null
tabix -f "$tmp/a.vcf.gz"
bcftools annotate -a "$CV" -c INFO/CLNSIG,INFO/CLNREVSTAT,INFO/CLNDN,INFO/CLNHGVS -Oz -o "$tmp/b.vcf.gz" "$tmp/a.vcf.gz"
tabix -f "$tmp/b.vcf.gz"
bcftools annotate -a "$SHARED/exac_r0.3.BRCA1.GRCh38.vcf.gz" -c INFO/POP_AF_EXAC:=INFO/AF -Oz -o "$tmp/c.vcf.gz" \
  "$tmp/b.vcf.gz"
tabix -f "$tmp/c.vcf.gz"
bcftools annotate -a "$SHARED/1000G_phase3.BRCA1.sites.GRCh38.vcf.gz" -c INFO/POP_AF_1KG:=INFO/AF -Ov \
  -o "$tmp/ann.vcf" "$tmp/c.vcf.gz"
EXTRA=()
TEST=R208
if [ "$MODE" = scout ]; then
  MODE=genome SCOUT=1 TEST=SCOUT_DEMO
fi
if [ "$MODE" = genome ]; then
  bcftools view tests/data/interpret/643594.clinical.vcf.gz 2>/dev/null > "$tmp/ann.vcf"
  EXTRA=(--vcf-sample ADM1059A2 --build GRCh37 --population-af EXACAF=ExAC)
fi
if [ "$MODE" = sample ]; then
  bcftools view tests/data/interpret/HG00099.annotated.vcf.gz | sed 's/\tHG00099$/\tBENCH01/' > "$tmp/ann.vcf"
fi
# tile
{ grep '^#' "$tmp/ann.vcf"
  for k in $(seq 0 $((TILES - 1))); do
    if [ "$MODE" = genome ]; then grep -v '^#' "$tmp/ann.vcf"; else
    grep -v '^#' "$tmp/ann.vcf" | awk -v off=$((k * 100000)) 'BEGIN{OFS="\t"} {$2 += off; print}'; fi
  done; } | bgzip > "$tmp/bench.vcf.gz"
N=$(bcftools view -H "$tmp/bench.vcf.gz" | wc -l)

# the selection interpret makes, as a bcftools expression: a called ALT in a panel gene (BRCA1) that is rare
# or protein-altering or ClinVar pathogenic (interpret additionally evaluates criteria, classifies and tiers)
EXPR='GT="alt" && INFO/BCSQ~"|BRCA1|" && (POP_AF_EXAC="." || POP_AF_EXAC<=0.0001 || INFO/BCSQ~"frameshift" || INFO/BCSQ~"stop_gained" || INFO/BCSQ~"splice_" || INFO/BCSQ~"missense" || CLNSIG~"athogenic")'
if [ "$MODE" = genome ]; then  # same selection on VEP's CSQ and the file's ExAC key, proband only
  # bcftools' ~ is a POSIX basic regex: "|" is a literal pipe, \( \) group and \| separates alternatives
  GENES=BRCA1
  if [ -n "${SCOUT:-}" ]; then  # the Scout panel's genes as one alternation
    GENES=$(grep -v '^#' reference/panels/scout_panel_1.txt | cut -f2 | grep -v '^$' | sort -u | sed 's/$/\\|/' \
      | tr -d '\n' | sed 's/\\|$//')
  fi
  EXPR='GT[1]="alt" && INFO/CSQ~"|\('"$GENES"'\)|" && (EXACAF="." || EXACAF<=0.0001 || INFO/CSQ~"frameshift" || INFO/CSQ~"stop_gained" || INFO/CSQ~"splice_" || INFO/CSQ~"missense" || CLNSIG~"5")'
fi

time_it() {  # prints wall seconds of "$@"
  local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
median() { sort -g | sed -n "$(( (REPS + 1) / 2 ))p"; }
interp() {  # interp <python> <out prefix>
  "$1" -m clinwgs.cli interpret --vcf "$tmp/bench.vcf.gz" --sample-id BENCH01 --test-code "$TEST" \
    --settings config/panels.yaml --out-json "$2.json" --out-tsv "$2.tsv" "${EXTRA[@]}"; }
# BASELINE_PY (optional): a second interpreter (e.g. a wrapper setting PYTHONPATH=<older tree>/src) timed in the
# same loop, interleaved (bcftools, interpret, baseline, then again), and its findings compared with this tree's
REPS=${REPS:-3}
: > "$tmp/t.bt"; : > "$tmp/t.it"; : > "$tmp/t.base"
for i in $(seq "$REPS"); do
  time_it bcftools view -i "$EXPR" -Ou -o "$tmp/sel.bcf" "$tmp/bench.vcf.gz" >> "$tmp/t.bt"
  time_it interp "$PY" "$tmp/f" >> "$tmp/t.it"
  if [ -n "${BASELINE_PY:-}" ]; then time_it interp "$BASELINE_PY" "$tmp/f_base" >> "$tmp/t.base"; fi
done
bt=$(median < "$tmp/t.bt"); it=$(median < "$tmp/t.it")
sel=$(bcftools view -H -i "$EXPR" "$tmp/bench.vcf.gz" 2>/dev/null | wc -l)
interp "$PY" "$tmp/f"
printf 'records\t%s\nbcftools_selected\t%s\nbcftools_s\t%.3f\ninterpret_s\t%.3f\n' "$N" "$sel" "$bt" "$it"
printf 'bcftools_variants_per_s\t%.0f\ninterpret_variants_per_s\t%.0f\nratio_interpret_over_bcftools\t%.3f\n' \
  "$(echo "$N / $bt" | bc -l)" "$(echo "$N / $it" | bc -l)" "$(echo "$bt / $it" | bc -l)"
if [ -n "${BASELINE_PY:-}" ]; then
  base=$(median < "$tmp/t.base")
  interp "$BASELINE_PY" "$tmp/f_base" > /dev/null
  printf 'baseline_interpret_s\t%.3f\nbaseline_ratio_interpret_over_bcftools\t%.3f\n' "$base" "$(echo "$bt / $base" | bc -l)"
  # findings.json equal apart from generated_at, findings.tsv byte-identical
  same=$("$PY" -c 'import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a.pop("generated_at"); b.pop("generated_at")
print("yes" if a == b and open(sys.argv[3], "rb").read() == open(sys.argv[4], "rb").read() else "NO")' \
    "$tmp/f.json" "$tmp/f_base.json" "$tmp/f.tsv" "$tmp/f_base.tsv")
  printf 'findings_identical_to_baseline\t%s\n' "$same"
fi
