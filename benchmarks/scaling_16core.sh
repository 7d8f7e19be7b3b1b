#!/usr/bin/env bash
# Thread and scatter scaling of the workflow's two heavy steps on one machine, same data for every run:
#   alignment  bwa mem -K 100000000 -t T | samblaster | samtools sort   (the align_reads rule), T = 1..16
#   calling    bcftools mpileup | call -m over the region split N ways, N chunks run at once, N = 1..16
# Data: real GRCh38 sequence (reference/GRCh38_chr20_HG002, chr20:1-10 Mb) as the reference; 30x of 2x150 bp
# read pairs simulated with wgsim (seeded) from its 2 Mb window chr20:3,000,001-5,000,000.
#
# Usage (from the repository root):
#   benchmarks/scaling_16core.sh prepare TOOLS   # here (Debian, apt): download + unpack bwa, samtools,
#                                                  # bcftools, samblaster and their libraries into TOOLS
#   benchmarks/scaling_16core.sh run TOOLS OUT    # any x86-64 Linux with glibc >= 2.34: writes OUT/*.tsv
# Environment for `run`: THREADS (default "1 2 4 8 16"), SCATTER (default "1 2 4 8 16"), PAIRS (default
# 200000 = 30x of the 2 Mb window), PHASES (default "align call").
# Output: OUT/align_threads.tsv (threads, wall_s, cpu_s, pairs, pairs_per_s), OUT/call_scatter.tsv (ways,
# wall_s, cpu_s, mb, mb_per_s, records), OUT/machine.txt (nproc, CPU, tool versions). `run` needs no network.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REF_GZ=$ROOT/reference/GRCh38_chr20_HG002/GRCh38_chr20_1-10Mb.fa.gz
WINDOW="chr20:3000001-5000000"
WINDOW_MB=2
PACKAGES="bwa samtools bcftools samblaster libhts3 libhtscodecs2 libdeflate0 zlib1g libbz2-1.0 liblzma5 libncurses6 libtinfo6"

die() { echo "scaling_16core: $*" >&2; exit 1; }

prepare() {
  local tools=$1
  mkdir -p "$tools/debs" "$tools/root"
  (cd "$tools/debs" && apt-get download $PACKAGES) || die "apt-get download failed"
  for deb in "$tools"/debs/*.deb; do dpkg -x "$deb" "$tools/root"; done
  rm -rf "$tools/debs"
  echo "unpacked into $tools/root ($(du -sh "$tools/root" | cut -f1))"
}

use_tools() {
  local root=$1/root
  [[ -x $root/usr/bin/bwa ]] || die "$root/usr/bin/bwa missing: run '$0 prepare $1' first"
  export PATH=$root/usr/bin:$PATH
  export LD_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  for tool in bwa samtools bcftools samblaster wgsim; do command -v "$tool" >/dev/null || die "$tool missing"; done
  samtools --version >/dev/null 2>&1 || die "the unpacked tools do not run here (Debian 12 builds need glibc >= 2.34)"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
TIMEFORMAT='%R %U %S'
timed() {  # command... -> "wall cpu" on stdout (cpu = user + sys of all its processes)
  local t
  t=$( { time "$@" >/dev/null; } 2>&1 | tail -n1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.2f %.2f\n", a[1], a[2] + a[3] }'
}

make_data() {
  local work=$1 pairs=$2
  if [[ ! -s $work/ref.fa.bwt ]]; then
    zcat "$REF_GZ" >"$work/ref.fa"
    samtools faidx "$work/ref.fa"
    bwa index "$work/ref.fa" 2>"$work/bwa_index.log"
  fi
  if [[ ! -s $work/r1.fq ]]; then
    samtools faidx "$work/ref.fa" "$WINDOW" | sed "1s/.*/>window/" >"$work/window.fa"
    # seeded: 0.1 % SNV/indel rate, 1 % base errors, 350 bp inserts
    wgsim -S 11 -N "$pairs" -1 150 -2 150 -d 350 -s 35 -e 0.01 -r 0.001 -R 0.15 \
      "$work/window.fa" "$work/r1.fq" "$work/r2.fq" >"$work/wgsim_truth.txt" 2>/dev/null
  fi
}

align_once() {  # threads out.bam
  bwa mem -K 100000000 -t "$1" -R '@RG\tID:sim\tSM:sim\tPL:ILLUMINA' "$WORK/ref.fa" "$WORK/r1.fq" "$WORK/r2.fq" \
    2>/dev/null | samblaster --quiet | samtools sort -@ 1 -m 768M -T "$2.tmp" -o "$2" - 2>/dev/null
}

phase_align() {
  local pairs=$1
  printf 'threads\twall_s\tcpu_s\tpairs\tpairs_per_s\n' >"$OUT/align_threads.tsv"
  for t in $THREADS; do
    local wall cpu
    read -r wall cpu < <(timed align_once "$t" "$WORK/aln.t$t.bam")
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$wall" "$cpu" "$pairs" \
      "$(awk -v p="$pairs" -v w="$wall" 'BEGIN{printf "%.1f", p/w}')" | tee -a "$OUT/align_threads.tsv"
    [[ -s $WORK/calls.bam ]] || { mv "$WORK/aln.t$t.bam" "$WORK/calls.bam"; continue; }
    rm -f "$WORK/aln.t$t.bam"
  done
}

split_window() {  # ways -> BED chunks chunk.N.i.bed of the window (0-based, half-open)
  local ways=$1
  awk -v ways="$ways" -v prefix="$WORK/chunk.$ways" 'BEGIN {
    start = 3000000; end = 5000000; step = int((end - start + ways - 1) / ways)
    for (i = 0; i < ways; i++) {
      s = start + i * step; e = s + step; if (e > end) e = end
      printf "chr20\t%d\t%d\n", s, e > sprintf("%s.%02d.bed", prefix, i)
    }
  }'
}

call_chunk() {  # bed out.vcf.gz
  bcftools mpileup -f "$WORK/ref.fa" -R "$1" -a FORMAT/AD,FORMAT/DP -Ou "$WORK/calls.bam" 2>/dev/null \
    | bcftools call -m -v -a GQ -Oz -o "$2" 2>/dev/null
}
export -f call_chunk

call_scattered() {  # ways: all chunks at once, then gathered (the call_variants + gather_calls rules)
  ls "$WORK"/chunk."$1".*.bed | xargs -P "$1" -I{} bash -c 'call_chunk "$1" "$1.vcf.gz"' _ {}
  bcftools concat -Oz -o "$WORK/calls.$1.vcf.gz" "$WORK"/chunk."$1".*.bed.vcf.gz 2>/dev/null
}

phase_call() {
  [[ -s $WORK/calls.bam ]] || align_once 16 "$WORK/calls.bam"
  samtools index "$WORK/calls.bam"
  printf 'ways\twall_s\tcpu_s\tmb\tmb_per_s\trecords\n' >"$OUT/call_scatter.tsv"
  for n in $SCATTER; do
    split_window "$n"
    local wall cpu records
    read -r wall cpu < <(timed call_scattered "$n")
    records=$(bcftools view -H "$WORK/calls.$n.vcf.gz" | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$wall" "$cpu" "$WINDOW_MB" \
      "$(awk -v m="$WINDOW_MB" -v w="$wall" 'BEGIN{printf "%.4f", m/w}')" "$records" | tee -a "$OUT/call_scatter.tsv"
  done
}

run() {
  local tools=$1
  OUT=$2
  mkdir -p "$OUT"
  OUT=$(cd "$OUT" && pwd)
  use_tools "$tools"
  THREADS=${THREADS:-1 2 4 8 16}
  SCATTER=${SCATTER:-1 2 4 8 16}
  local pairs=${PAIRS:-200000}
  WORK=${WORK:-$(mktemp -d /tmp/scaling16.XXXXXX)}
  mkdir -p "$WORK"
  export WORK
  {
    echo "nproc: $(nproc)"
    grep -m1 'model name' /proc/cpuinfo || true
    echo "bwa: $(bwa 2>&1 | awk '/Version/ {print $2}')"
    samtools --version | head -1
    bcftools --version | head -1
    echo "pairs: $pairs; window: $WINDOW; threads: $THREADS; scatter: $SCATTER"
  } >"$OUT/machine.txt"
  local start
  start=$(now)
  make_data "$WORK" "$pairs"
  echo "data ready in $(elapsed "$start" "$(now)") s (bwa index + wgsim)" | tee -a "$OUT/machine.txt"
  for phase in ${PHASES:-align call}; do "phase_$phase" "$pairs"; done
  echo "results in $OUT; work files in $WORK"
}

case ${1:-} in
  prepare) [[ $# == 2 ]] || die "usage: $0 prepare TOOLS"; prepare "$2" ;;
  run) [[ $# == 3 ]] || die "usage: $0 run TOOLS OUT"; run "$2" "$3" ;;
  *) die "usage: $0 prepare TOOLS | run TOOLS OUT" ;;
esac
