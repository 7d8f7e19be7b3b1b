#!/usr/bin/env bash
# The effect of spanning-read re-genotyping on one accuracy run: the run's filtered VCF as it is, and the same
# VCF with each changed call's genotype put back from FORMAT/OGT (the calls without the step), both scored by
# `clinwgs benchmark` (PASS records) against the HG002 truth; prints indel F1 and genotype mismatches of each.
# usage (repository root): benchmarks/regenotype_effect.sh RUN_DIR OUT_DIR [BED]
#   RUN_DIR: the caller folder of benchmarks/accuracy_hg002.sh (e.g. /tmp/acc/regt1/bcftools)
#   BED: a confident BED to score in (default: the bundle's whole chr20:7-10 Mb BED)
set -euo pipefail
RUN=$(realpath "${1:?usage: $0 RUN_DIR OUT_DIR [BED]}"); OUT=$(realpath -m "${2:?usage: $0 RUN_DIR OUT_DIR [BED]}")
R=reference/GRCh38_chr20_HG002
BED=${3:-$R/HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.bed}
VCF=$RUN/results/HG002SIM/vcf/HG002SIM.filtered.vcf.gz
mkdir -p "$OUT"
.venv/bin/python - "$VCF" "$OUT/without.vcf.gz" <<'PY'
import sys, pysam
with pysam.VariantFile(sys.argv[1]) as f, pysam.VariantFile(sys.argv[2], "wz", header=f.header) as o:
    for r in f:
        for call in r.samples.values():
            if call.get("OGT"):
                call["GT"] = tuple(int(x) for x in call["OGT"].split("/"))
        o.write(r)
pysam.tabix_index(sys.argv[2], preset="vcf", force=True)
PY
for name in with without; do
  q=$VCF; [ $name = without ] && q=$OUT/without.vcf.gz
  .venv/bin/clinwgs benchmark --truth $R/HG002_GRCh38_v4.2.1_benchmark.chr20_7-10Mb.vcf.gz \
    --reference $R/GRCh38_chr20_1-10Mb.fa.gz --bed "$BED" --query "$q" --out "$OUT/$name" \
    --label "re-genotyping $name" > /dev/null
  .venv/bin/python -c "
import json; i = json.load(open('$OUT/$name/benchmark.json'))['confident']['indel']
print(f\"$name re-genotyping: indel F1 {i['f1']} (P {i['precision']}, R {i['recall']}; FN {i['fn']}, FP {i['fp']}, GT mismatch {i['gt_mismatch_truth']})\")"
done
