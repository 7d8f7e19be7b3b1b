#!/usr/bin/env bash
# The workflow's tool commands run bare, one after another, without Snakemake: the denominator of the workflow
# overhead ratio in docs/BENCHMARKS.md (workflow wall time / summed wall time of these commands).
#   usage: benchmarks/bare_pipeline.sh OUTDIR [bwa|minimap2]     (run from the repository root)
# Default: the demo, i.e. the same inputs as config/config.yaml (PC001 must exist: `clinwgs demo` or
# `clinwgs simulate` makes it). Another run: RUN_DIR=<the folder the workflow runs in, e.g. a lab folder>
# CONFIG=<its config.yaml, relative to RUN_DIR> (benchmarks/genome_scale.sh does this); bundles, sheets,
# scatter chunks, threads and filters all come from that config.
# Same flags as rules/*.smk; the Python checks call the same package functions as workflow/scripts/.
# Prints one line per step (seconds) and the total.
set -euo pipefail
out=${1:?usage: bare_pipeline.sh OUTDIR [bwa|minimap2]}
aligner=${2:-bwa}
repo=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$repo/.venv/bin/python}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "${RUN_DIR:-$repo}"
config=${CONFIG:-config/config.yaml}
settings=$($py -c "
from pathlib import Path
from clinwgs.config.load import load_config
run = load_config(Path('$config'))
print(run.scatter.chunks, run.threads.align, run.threads.fastp, run.samples_path, run.units_path)
for name, manifest in run.bundles.items(): print(name, manifest)")
read -r chunks align_threads fastp_threads samples_tsv units_tsv <<<"$(head -n1 <<<"$settings")"
total=0
step() {  # step NAME COMMAND...: run, time, accumulate
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" 2>>"$out/bare.log"
  t1=$(date +%s.%N)
  total=$(echo "$total + $t1 - $t0" | bc)
  printf '%-28s %8.2f\n' "$name" "$(echo "$t1 - $t0" | bc)"
}
sh() { bash -o pipefail -c "$1"; }

declare -A fasta_of
while read -r bundle manifest; do
  src=$($py -c "from pathlib import Path; from clinwgs.reference.bundles import load_manifest as m; print(m(Path('$manifest')).files.fasta.path)")
  dir=$out/ref/$bundle; mkdir -p "$dir/scatter"
  step "verify_bundle $bundle" $py -c "from pathlib import Path; from clinwgs.reference.bundles import load_manifest, write_verification as w; w(load_manifest(Path('$manifest')), Path('$dir/verified.json'))"
  step "prepare_fasta $bundle" sh "gzip -cdf $src | bgzip -c > $dir/genome.fa.gz && samtools faidx $dir/genome.fa.gz && samtools dict -a $bundle $dir/genome.fa.gz -o $dir/genome.dict"
  if [ "$aligner" = bwa ]; then step "index_bwa $bundle" bwa index "$dir/genome.fa.gz"
  else step "index_minimap2 $bundle" minimap2 -x sr -t 1 -d "$dir/genome.sr.mmi" "$dir/genome.fa.gz"; fi
  step "scatter_regions $bundle" $py -c "
from pathlib import Path
from clinwgs.reference.bundles import chunk_intervals, load_manifest, read_bed, write_bed
iv = read_bed(load_manifest(Path('$manifest')).files.regions.path)
write_bed(iv, Path('$dir/analysable.bed'))
for i, c in enumerate(chunk_intervals(iv, $chunks)): write_bed(c, Path(f'$dir/scatter/{i:04d}.bed'))"
  fasta_of[$bundle]=$dir/genome.fa.gz
done < <(tail -n +2 <<<"$settings")

# sample -> bundle, and FASTQ or BAM input, exactly as in config/samples.tsv + units.tsv
# (empty cells become "-" first: bash's read would merge consecutive tabs)
while IFS=$'\t' read -r sample unit platform fq1 fq2 bam _; do
  [ "$fq1" = - ] && fq1=""; [ "$fq2" = - ] && fq2=""; [ "$bam" = - ] && bam=""
  bundle=$(awk -F'\t' -v s="$sample" '$1 == s {print $5}' "$samples_tsv")
  ref=${fasta_of[$bundle]}; d=$out/results/$sample; mkdir -p "$d"
  step "check_inputs $sample" $py -c "
from pathlib import Path
from clinwgs.config.load import Unit
from clinwgs.inputs.run import write_input_check
u = Unit(sample_id='$sample', unit_id='$unit', platform='$platform', fq1='$fq1' or None, fq2='$fq2' or None, bam='$bam' or None)
write_input_check([u], Path('$ref'), False, Path('$d/input_check.json'))"
  if [ -n "$bam" ]; then
    step "reuse_alignment $sample" samtools sort --reference "$ref" -T "$d/sorttmp" -o "$d/unit.bam" "$bam"
  else
    step "trim_reads $sample" fastp -w "$fastp_threads" --detect_adapter_for_pe -i "$fq1" -I "$fq2" -o "$d/R1.fq.gz" -O "$d/R2.fq.gz" -j "$d/fastp.json" -h "$d/fastp.html"
    rg="@RG\\tID:$sample.$unit\\tSM:$sample\\tLB:$sample\\tPL:$platform"
    if [ "$aligner" = bwa ]; then align="bwa mem -K 100000000 -t $align_threads -R '$rg' $ref $d/R1.fq.gz $d/R2.fq.gz"
    else align="minimap2 -ax sr -t $align_threads -R '$rg' ${ref%.fa.gz}.sr.mmi $d/R1.fq.gz $d/R2.fq.gz"; fi
    step "align_reads $sample" sh "$align | samblaster | samtools sort -T $d/sorttmp -o $d/unit.bam -"
  fi
  step "merge_alignments $sample" sh "samtools merge -f -@ 1 -O BAM --reference $ref -o $d/$sample.bam $d/unit.bam && samtools index $d/$sample.bam $d/$sample.bam.bai"
  step "stats_alignment $sample" sh "samtools stats --reference $ref $d/$sample.bam > $d/stats.txt && samtools flagstat $d/$sample.bam > $d/flagstat.txt"
  step "depth_alignment $sample" mosdepth -n -t 1 --fasta "$ref" --by "$(dirname "$ref")/analysable.bed" "$d/$sample" "$d/$sample.bam"
  for i in $(seq 0 $((chunks - 1))); do
    c=$(printf '%04d' "$i")
    # bcftools, the workflow's command from clinwgs.calling.commands (FreeBayes would need the plain FASTA)
    call=$($py -c "from clinwgs.calling.commands import caller_command as c
print(c('bcftools', '$ref', '$d/$sample.bam', '$d/chunk$c.vcf.gz', bed='$(dirname "$ref")/scatter/$c.bed'))")
    step "call_variants $sample.$c" sh "$call"
  done
  step "gather_calls $sample" sh "bcftools concat -Oz -o $d/raw.vcf.gz $d/chunk0*.vcf.gz && tabix -p vcf $d/raw.vcf.gz"
  step "normalise_variants $sample" sh "bcftools norm -f $ref -m -any --check-ref e -Oz -o $d/norm.vcf.gz $d/raw.vcf.gz && tabix -p vcf $d/norm.vcf.gz"
  cmds=$($py -c "
from pathlib import Path
from clinwgs.config.load import load_config
from clinwgs.reference.bundles import load_manifest
from clinwgs.annotate.header import annotate_pipeline, filter_pipeline, write_header
run = load_config(Path('$config'))
b = load_manifest(run.bundles['$bundle'])
write_header(b, Path('$d/header.txt'))
print(filter_pipeline('$d/norm.vcf.gz', '$d/filtered.vcf.gz', run.filters) + ' && tabix -p vcf $d/filtered.vcf.gz')
print(annotate_pipeline(b, '$d/filtered.vcf.gz', '$d/annotated.vcf.gz', '$ref', '$d/header.txt') + ' && tabix -p vcf $d/annotated.vcf.gz')")
  step "filter_variants $sample" sh "$(sed -n 1p <<<"$cmds")"
  step "annotate_variants $sample" sh "$(sed -n 2p <<<"$cmds")"
done < <(awk -F'\t' -v OFS='\t' 'NR > 1 {for (i = 1; i <= NF; i++) if ($i == "") $i = "-"; print}' "$units_tsv")
step "report_multiqc" multiqc --force --no-data-dir -o "$out/multiqc" -n multiqc_report.html "$out/results"
printf '%-28s %8.2f\n' TOTAL "$total"
