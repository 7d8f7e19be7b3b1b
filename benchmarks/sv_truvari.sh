#!/usr/bin/env bash
# Structural-variant benchmark (issue 17; docs/BENCHMARKS.md "Structural variants (issue 17)").
# A seeded set of SVs (96: DEL, DUP, INV in turn over the size bins 50-300, 300-1k, 1k-10k, 10k-100k bp, all
# heterozygous) over GRCh38 chr20:1-10 Mb, 2x150 bp reads at 30x (`clinwgs simulate --random-svs`), aligned
# with bwa mem + samtools sort, then the workflow's SV steps with the commands of rules/sv.smk (delly call per
# type, bcftools concat, CNVkit batch --method wgs with a flat reference, `clinwgs.structural.merge`) and scored
# with truvari bench per type and size bin (PASS calls only, --pctseq 0: symbolic alleles).
# usage (repository root): benchmarks/sv_truvari.sh OUT_DIR        (steps whose output exists are reused)
# reads only the repository (reference/GRCh38_chr20_HG002), never /work/shared.
set -euo pipefail
OUT=$(realpath -m "${1:?usage: $0 OUT_DIR}"); REPO=$(pwd); PY=$REPO/.venv/bin/python
THREADS=${THREADS:-2}; S=SVSIM01
mkdir -p "$OUT"/{inputs,ref,sv/delly,truvari}
gzip -cdf reference/GRCh38_chr20_HG002/GRCh38_chr20_1-10Mb.fa.gz > "$OUT/ref/genome.fa.tmp" && mv "$OUT/ref/genome.fa.tmp" "$OUT/ref/genome.fa"
REF=$OUT/ref/genome.fa; samtools faidx "$REF"
[ -s "$OUT/inputs/$S.R2.fastq.gz" ] || nice -n 10 .venv/bin/clinwgs simulate --reference "$REF" \
  --region chr20:1-10000000 --sample-id $S --out-prefix "$OUT/inputs/$S" --depth 30 --seed 17 --random-svs 96
[ -s "$REF.bwt" ] || bwa index "$REF" 2> "$OUT/ref/bwa_index.log"
BAM=$OUT/$S.bam
if [ ! -s "$BAM.bai" ]; then
  /usr/bin/time -f "bwa+sort %e s" nice -n 10 bash -c "bwa mem -K 100000000 -t $THREADS -R '@RG\tID:$S\tSM:$S\tPL:ILLUMINA' \
    $REF $OUT/inputs/$S.R1.fastq.gz $OUT/inputs/$S.R2.fastq.gz 2> $OUT/bwa.log | samtools sort -@ 1 -o $BAM - && samtools index $BAM"
fi
# rules/sv.smk: call_sv_delly (one job per type; run side by side here), gather_sv_delly
for t in DEL DUP INV BND; do
  [ -s "$OUT/sv/delly/$S.$t.vcf.gz" ] || (nice -n 10 delly call -t $t -g "$REF" -o "$OUT/sv/delly/$S.$t.bcf" "$BAM" > "$OUT/sv/delly/$t.log" 2>&1 \
    && bcftools view -Oz -o "$OUT/sv/delly/$S.$t.vcf.gz" "$OUT/sv/delly/$S.$t.bcf" && tabix -f -p vcf "$OUT/sv/delly/$S.$t.vcf.gz") &
done
wait
bcftools concat -a -Ou "$OUT"/sv/delly/$S.{DEL,DUP,INV,BND}.vcf.gz | bcftools sort -Oz -o "$OUT/sv/$S.delly.vcf.gz" && tabix -f -p vcf "$OUT/sv/$S.delly.vcf.gz"
# call_cnv_cnvkit (access = the non-N intervals, as the workflow's analysable.bed)
CNVKIT=$(command -v cnvkit.py || command -v cnvkit)
if [ ! -s "$OUT/sv/$S.call.cns" ]; then
  $PY -c "from pathlib import Path; from clinwgs.reference.bundles import non_n_intervals; import sys
Path(sys.argv[2]).write_text(''.join(f'{c}\t{s}\t{e}\n' for c, s, e in non_n_intervals(Path(sys.argv[1]))))" "$REF" "$OUT/ref/analysable.bed"
  nice -n 10 $CNVKIT batch "$BAM" -n -f "$REF" --method wgs --access "$OUT/ref/analysable.bed" --target-avg-size 1000 \
    -p 1 -d "$OUT/sv/cnvkit" --output-reference "$OUT/sv/cnvkit/flat.cnn" > "$OUT/sv/cnvkit.log" 2>&1
  cp "$OUT/sv/cnvkit/$S.call.cns" "$OUT/sv/$S.call.cns"
fi
# merge_sv with the default policy (config sv: defaults)
$PY - "$OUT" "$S" "$REF" <<'PY'
import sys
from pathlib import Path
from clinwgs.config.models import SvSettings
from clinwgs.structural.merge import merge_sample
out, s, ref = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
calls = merge_sample(out / "sv" / f"{s}.delly.vcf.gz", out / "sv" / f"{s}.call.cns", None, ref, s, SvSettings(), out / "sv" / f"{s}.sv.vcf.gz")
print(f"merge_sv: {len(calls)} records, {sum(not c.filters for c in calls)} PASS")
PY
# truth: sorted, bgzipped
# (truvari needs contig lengths in the header: taken from the FASTA index)
bcftools reheader --fai "$REF.fai" "$OUT/inputs/$S.truth.vcf" | bcftools sort -Oz -o "$OUT/truth.vcf.gz" && tabix -f -p vcf "$OUT/truth.vcf.gz"
# truvari per type and size bin
printf 'type\tbin\tTP_base\tFN\tFP\trecall\tprecision\n' > "$OUT/summary.tsv"
for t in DEL DUP INV; do
  for b in 50-300 300-1000 1000-10000 10000-100000; do
    lo=${b%-*}; hi=${b#*-}; d=$OUT/truvari/$t.$b
    bcftools view -i "INFO/SVTYPE=\"$t\"" -Oz -o "$OUT/truvari/truth.$t.vcf.gz" "$OUT/truth.vcf.gz" && tabix -f -p vcf "$OUT/truvari/truth.$t.vcf.gz"
    bcftools view -i "INFO/SVTYPE=\"$t\"" -Oz -o "$OUT/truvari/calls.$t.vcf.gz" "$OUT/sv/$S.sv.vcf.gz" && tabix -f -p vcf "$OUT/truvari/calls.$t.vcf.gz"
    rm -rf "$d"
    $REPO/.venv/bin/truvari bench -b "$OUT/truvari/truth.$t.vcf.gz" -c "$OUT/truvari/calls.$t.vcf.gz" -o "$d" \
      --passonly --pctseq 0 --sizemin "$lo" --sizefilt "$lo" --sizemax "$hi" > "$d.log" 2>&1
    $PY -c "import json,sys; d=json.load(open(sys.argv[1])); f=lambda v: 'NA' if v is None else f'{v:.3f}'
print('\t'.join([sys.argv[2], sys.argv[3], str(d['TP-base']), str(d['FN']), str(d['FP']), f(d['recall']), f(d['precision'])]))" \
      "$d/summary.json" "$t" "$b" >> "$OUT/summary.tsv"
  done
done
column -t "$OUT/summary.tsv"
