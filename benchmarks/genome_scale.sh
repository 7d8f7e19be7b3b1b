#!/usr/bin/env bash
# Genome-scale run (issue 15): seeded 30x 2x150 reads over every real (non-N) base of GRCh38 chr20:1-10 Mb and
# chr21:1-10 Mb, HG002 v4.2.1 truth where it exists (chr20:7-10 Mb), through `clinwgs run --cores 2` from
# FASTQ to the published report; the same tool commands bare (benchmarks/bare_pipeline.sh) for the overhead
# ratio; then bwa mem's CPU per read pair on a 10 Mb, a 20 Mb and the 63 Mb hg19 chr20 index (index factor).
#
# READS /work/shared/data (not part of the repository; override with SHARED=...):
#   $SHARED/grch38_chr20_chr21/grch38.chr20_and_21_10M.fa.gz   (GRCh38 chr20:1-10 Mb + chr21:1-10 Mb)
# Everything it builds (bundle, reads, indexes, results: ~3 GB) goes under OUT, never into the checkout.
#
#   usage: benchmarks/genome_scale.sh OUT [STEP ...]      (run from the repository root)
#   STEP: prepare workflow bare finish table index (default: all of them, in that order)
#     prepare   clinwgs init OUT/lab; clinwgs bundle create (the 20 Mb FASTA); clinwgs simulate per region
#     workflow  clinwgs run --config-dir OUT/lab --cores 2 -- <the targets bare_pipeline.sh also makes>,
#               with the demo's record service (clinwgs.service.main.start_demo_service) listening
#     bare      benchmarks/bare_pipeline.sh on the same lab config (same bundle, sheets, threads, chunks)
#     finish    clinwgs run --config-dir OUT/lab --cores 2 (the rest: interpretation, report, FHIR,
#               provenance, publish) with the same record service
#     table     per-step table from OUT/lab/logs/timings (clinwgs.ops.steptable), disk use, ratios
#     index     bwa mem -t 1 CPU per pair, REPEATS (default 2) rounds over the three indexes
# Environment: CORES (2), PORT (8795: the record service; not the demo's 8780), REPEATS (2), INDEX_PAIRS
# (200000), PYTHON (.venv/bin/python). Each timed command's load average is written beside its timing.
set -euo pipefail
out=${1:?usage: genome_scale.sh OUT [prepare workflow bare finish table index]}
shift
steps=${*:-prepare workflow bare finish table index}
repo=$(pwd)
py=${PYTHON:-$repo/.venv/bin/python}
clinwgs=$(dirname "$py")/clinwgs
shared=${SHARED:-/work/shared/data}
fasta_src=$shared/grch38_chr20_chr21/grch38.chr20_and_21_10M.fa.gz
truth=$repo/reference/GRCh38_chr20_HG002/HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.vcf.gz
truth_start=7000001  # the truth slice covers chr20:7,000,001-10,000,000
cores=${CORES:-2}
port=${PORT:-8795}
repeats=${REPEATS:-2}
index_pairs=${INDEX_PAIRS:-200000}
sample=GS001  # pseudonymous; HG002's genotypes in its reads
mkdir -p "$out"
out=$(cd "$out" && pwd)
lab=$out/lab
log=$out/genome_scale.log
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
note() { echo "$(date -u +%FT%TZ) $*" | tee -a "$log"; }
timed() {  # timed NAME COMMAND...: /usr/bin/time (wall, user, sys, max RSS) + load before/after -> OUT/times.tsv
  local name=$1; shift
  local before; before=$(loadavg)
  /usr/bin/time -f '%e\t%U\t%S\t%M' -o "$out/.time" "$@"
  printf '%s\t%s\t%s\t%s\n' "$name" "$(cat "$out/.time")" "$before" "$(loadavg)" >>"$out/times.tsv"
  note "$name: wall/user/sys s, max RSS kB: $(tr '\t' ' ' <"$out/.time"); load before $before, after $(loadavg)"
}
[ -f "$out/times.tsv" ] || printf 'what\twall_s\tuser_s\tsys_s\tmax_rss_kb\tload_before\tload_after\n' >"$out/times.tsv"

# the workflow under the demo's record service (benchmarks/with_record_service.py: start_demo_service, a
# fictitious 999-range patient for the sample, the pipeline token exported); its database under OUT/service
with_service=("$py" "$repo/benchmarks/with_record_service.py" "$lab" "$port" "$out/service" "$sample")

core_targets() {  # the targets bare_pipeline.sh also makes (as in issue 2's overhead measurement)
  "$py" -c "
from clinwgs.core import layout as l
s = '$sample'
print(l.alignment(s, 'bam'), l.alignment_index(s, 'bam'), l.qc(s, 'stats.txt'), l.qc(s, 'flagstat.txt'),
      l.qc(s, 'mosdepth.summary.txt'), l.vcf(s, 'annotated'), l.vcf(s, 'annotated') + '.tbi',
      l.multiqc_report('multiqc_report'))"
}

for step in $steps; do
  case $step in
  prepare)
    note "prepare: load $(loadavg)"
    rm -rf "$lab" "$out/sim"
    "$clinwgs" init "$lab"
    sed -i "s#^\(  url: \)http://127.0.0.1:[0-9]*#\1http://127.0.0.1:$port#; s#^aligner: .*#aligner: bwa#" "$lab/config.yaml"
    grep -q "127.0.0.1:$port" "$lab/config.yaml" && grep -q '^aligner: bwa' "$lab/config.yaml"
    "$clinwgs" bundle create --fasta "$fasta_src" --build GRCh38 --out "$lab/bundle" --name GRCh38 \
      --release fasta="GRCh38 chr20:1-10Mb + chr21:1-10Mb (shared/data/grch38_chr20_chr21)"
    # simulation regions: per contig, its first to its last non-N base (fragments containing N are dropped,
    # so the Ns inside get no reads); chr20 split where the HG002 truth slice starts
    "$py" -c "
from pathlib import Path
from clinwgs.reference.bundles import load_manifest, read_bed
m = load_manifest(Path('$lab/bundle/manifest.yaml'))
spans, real = {}, 0
for chrom, start0, end in read_bed(m.files.regions.path):
    lo, hi = spans.get(chrom, (start0, end))
    spans[chrom] = (min(lo, start0), max(hi, end)); real += end - start0
for chrom, (start, end) in spans.items():
    if chrom == 'chr20' and start < $truth_start - 1 < end:
        print(f'{chrom}:{start + 1}-{$truth_start - 1} -'); print(f'{chrom}:{$truth_start}-{end} truth')
    else:
        print(f'{chrom}:{start + 1}-{end} -')
Path('$out/real_bp').write_text(f'{real}\n')
print(m.files.fasta.path, file=open('$out/bundle_fasta', 'w'))" >"$out/sim_regions"
    note "real (non-N) bases: $(cat "$out/real_bp"); regions: $(tr '\n' ' ' <"$out/sim_regions")"
    mkdir -p "$out/sim" "$lab/reads"
    i=0
    while read -r region what; do
      i=$((i + 1))
      args=(--reference "$(cat "$out/bundle_fasta")" --region "$region" --sample-id "$sample" --depth 30
        --seed "$i" --read-length 150 --out-prefix "$out/sim/part$i")
      [ "$what" = truth ] && args+=(--variants "$truth" --vcf-sample HG002)
      timed "simulate $region" "$clinwgs" simulate "${args[@]}"
    done <"$out/sim_regions"
    cat "$out"/sim/part*.R1.fastq.gz >"$lab/reads/$sample.R1.fastq.gz"
    cat "$out"/sim/part*.R2.fastq.gz >"$lab/reads/$sample.R2.fastq.gz"
    echo $(($(zcat "$lab/reads/$sample.R1.fastq.gz" | wc -l) / 4)) >"$out/pairs"
    printf '%s\tmale\tR208\tno\tGRCh38\t\t\n' "$sample" >>"$lab/samples.tsv"
    printf '%s\tL001\tILLUMINA\treads/%s.R1.fastq.gz\treads/%s.R2.fastq.gz\t\t\t\t\n' "$sample" "$sample" "$sample" >>"$lab/units.tsv"
    "$clinwgs" validate --config-dir "$lab"
    note "prepare done: $(cat "$out/pairs") read pairs"
    ;;
  workflow)
    rm -rf "$lab/results" "$lab/logs" "$lab/resources" "$lab/.snakemake"
    read -ra targets <<<"$(core_targets)"
    timed "workflow core targets (--cores $cores)" "${with_service[@]}" "$clinwgs" run --config-dir "$lab" --cores "$cores" -- "${targets[@]}"
    ;;
  bare)
    rm -rf "$out/bare"
    RUN_DIR=$lab CONFIG=config.yaml PATH=$(dirname "$py"):$PATH \
      timed "bare commands" "$repo/benchmarks/bare_pipeline.sh" "$out/bare" bwa | tee "$out/bare_steps.txt"
    ;;
  finish)
    timed "workflow rest to published report (--cores $cores)" "${with_service[@]}" "$clinwgs" run --config-dir "$lab" --cores "$cores"
    cat "$lab/results/$sample/publish/receipt.json"; echo
    ;;
  table)
    pairs=$(cat "$out/pairs"); real=$(cat "$out/real_bp")
    "$py" -c "
from pathlib import Path
from clinwgs.ops.steptable import read_step_costs, step_table
print(step_table(read_step_costs(Path('$lab/logs/timings')), $real / 1e6, $pairs))" | tee "$out/step_table.md"
    {
      echo "disk (du -sk, KB):"
      du -sk "$lab/reads" "$lab/bundle" "$lab/resources" "$lab/results/$sample"/* "$lab/results/multiqc" "$lab/logs" "$out/bare"
    } | tee "$out/disk.txt"
    column -t -s $'\t' "$out/times.tsv"
    ;;
  index)
    # the same seeded reads (the first INDEX_PAIRS pairs of the chr20:7-10 Mb part, HG002 variants in them)
    # on every index; hg19 chr20 is 63 Mb but N-masked outside chr20:9.995-11.095 Mb and 59.776-60.001 Mb
    # (bwa index turns N into random bases), so reads simulated from hg19's real part are timed there too
    idx=$out/index; mkdir -p "$idx"
    truth_part=$(grep -n truth "$out/sim_regions" | cut -d: -f1)
    for m in 1 2; do
      { zcat "$out/sim/part$truth_part.R$m.fastq.gz" || true; } | head -n $((index_pairs * 4)) >"$idx/reads.R$m.fq"
      [ "$(wc -l <"$idx/reads.R$m.fq")" -eq $((index_pairs * 4)) ]  # (zcat stops early on purpose: SIGPIPE)
    done
    hg19=$repo/reference/GRCh37_chr20/ucsc.hg19.chr20.unittest.fasta.gz
    "$clinwgs" simulate --reference "$hg19" --region chr20:9995001-11095000 --sample-id "$sample" --depth 30 \
      --seed 1 --out-prefix "$idx/hg19"
    zcat "$idx/hg19.R1.fastq.gz" >"$idx/hg19.R1.fq"; zcat "$idx/hg19.R2.fastq.gz" >"$idx/hg19.R2.fq"
    declare -A index_src=([grch38_10Mb]=$repo/reference/GRCh38_chr20_HG002/GRCh38_chr20_1-10Mb.fa.gz
      [grch38_20Mb]=$fasta_src [hg19_chr20_63Mb]=$hg19)
    for ref in grch38_10Mb grch38_20Mb hg19_chr20_63Mb; do  # an index already built from the same file is kept
      if ! cmp -s "${index_src[$ref]}" "$idx/$ref.fa.gz" || [ ! -f "$idx/$ref.fa.gz.sa" ]; then
        cp "${index_src[$ref]}" "$idx/$ref.fa.gz"
        timed "bwa index $ref" bwa index "$idx/$ref.fa.gz" 2>>"$log"
      fi
    done
    for round in $(seq 1 "$repeats"); do
      for ref in grch38_10Mb grch38_20Mb hg19_chr20_63Mb; do
        timed "bwa mem -t 1 $ref chr20_7-10Mb reads ($index_pairs pairs) round $round" \
          bwa mem -t 1 -K 100000000 "$idx/$ref.fa.gz" "$idx/reads.R1.fq" "$idx/reads.R2.fq" 2>>"$log" >/dev/null
      done
      timed "bwa mem -t 1 hg19_chr20_63Mb hg19 reads ($(($(wc -l <"$idx/hg19.R1.fq") / 4)) pairs) round $round" \
        bwa mem -t 1 -K 100000000 "$idx/hg19_chr20_63Mb.fa.gz" "$idx/hg19.R1.fq" "$idx/hg19.R2.fq" 2>>"$log" >/dev/null
    done
    ;;
  *) echo "genome_scale.sh: unknown step $step" >&2; exit 2 ;;
  esac
done
