#!/usr/bin/env bash
# Larger accuracy benchmark: GIAB HG002 v4.2.1 truth, GRCh38 chr20:7-10 Mb, seeded simulated 2x150 reads at 30x
# from the truth haplotypes, through the whole workflow (`clinwgs run`, bwa), scored with `clinwgs benchmark`.
# usage (repository root): [SEED=1] benchmarks/accuracy_hg002.sh OUT_DIR [bcftools|freebayes]
# (SEED: the read simulator's seed; another seed gives independent reads of the same truth)
set -euo pipefail
OUT=$(realpath -m "${1:?usage: $0 OUT_DIR [caller]}"); CALLER=${2:-bcftools}
REPO=$(pwd); CLI=$REPO/.venv/bin/clinwgs
R=reference/GRCh38_chr20_HG002
TRUTH=(--truth $REPO/$R/HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.vcf.gz --reference $REPO/$R/GRCh38_chr20_1-10Mb.fa.gz
       --bed $REPO/$R/HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.bed)
W=$OUT/$CALLER; mkdir -p "$OUT/inputs" "$W/validation"
[ -s "$OUT/inputs/HG002SIM.R2.fastq.gz" ] || $CLI simulate --reference $R/GRCh38_chr20_1-10Mb.fa.gz \
  --region chr20:7000001-10000000 --variants $R/HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.vcf.gz \
  --sample-id HG002SIM --depth 30 --seed "${SEED:-1}" --out-prefix "$OUT/inputs/HG002SIM"
for d in config reference reports workflow; do ln -sfn "$REPO/$d" "$W/$d"; done
.venv/bin/python - "$W" "$OUT" "$CALLER" <<'PY'
import sys, yaml
w, out, caller = sys.argv[1:]
base = yaml.safe_load(open("config/config.yaml"))
base.update(samples=f"{w}/validation/samples.tsv", units=f"{w}/validation/units.tsv", aligner="bwa", caller=caller,
            bundles={"GRCh38_chr20_HG002": "reference/GRCh38_chr20_HG002/manifest.yaml"},
            input_roots=[f"{out}/inputs"])  # the simulated reads lie beside the run folder, not in it
yaml.safe_dump(base, open(f"{w}/validation/config.yaml", "w"), sort_keys=False)
open(f"{w}/validation/samples.tsv", "w").write(
    "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\tfamily_id\trelation\n"
    "HG002SIM\tmale\tR208\tno\tGRCh38_chr20_HG002\t\t\n")
open(f"{w}/validation/units.tsv", "w").write(
    "sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\tfq1_sha256\tfq2_sha256\tbam_sha256\n"
    f"HG002SIM\tSIM\tILLUMINA\t{out}/inputs/HG002SIM.R1.fastq.gz\t{out}/inputs/HG002SIM.R2.fastq.gz\t\t\t\t\n")
PY
# the whole analysis and its provenance; a benchmark sample is not a patient: nothing is published
(cd "$W" && time $CLI run --configfile validation/config.yaml --cores 2 -- results/HG002SIM/manifest.json > run.log 2>&1)
VCF=$W/results/HG002SIM/vcf/HG002SIM.filtered.vcf.gz
$CLI benchmark "${TRUTH[@]}" --query "$VCF" --out "$W/bench_pass" --label "HG002 workflow $CALLER (PASS)"
$CLI benchmark "${TRUTH[@]}" --query "$VCF" --include-filtered --out "$W/bench_all" --label "HG002 workflow $CALLER (all)"
.venv/bin/python -c "
import sys; from pathlib import Path; from clinwgs.validation.bare import bare_calls
R = Path('$REPO/$R')
print(bare_calls('$CALLER', Path('$W/results/HG002SIM/align/HG002SIM.bam'), R / 'GRCh38_chr20_1-10Mb.fa.gz',
      R / 'HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.bed', Path('$W/bare'),
      truth=R / 'HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.vcf.gz')['commands'])"
$CLI benchmark "${TRUTH[@]}" --query "$W/bare/bare.$CALLER.vcf.gz" --out "$W/bench_bare" --label "HG002 bare $CALLER"
