#!/usr/bin/env bash
# Accuracy of each caller configuration on GIAB NA12878 chr20:10.0-10.1 Mb (docs/BENCHMARKS.md "Accuracy").
# usage (repository root): benchmarks/accuracy_callers.sh OUT_DIR
#   1. the whole workflow from FASTQ (bwa) through `clinwgs validate-pipeline`, caller bcftools and freebayes
#      (a validation run already in OUT_DIR/validation for a caller is reused; bwa indexes are shared);
#   2. bcftools with other documented mpileup settings (-X 1.12 profile; -B, BAQ off) run on the workflow's BAM
#      (the workflow does not expose mpileup options), plus the bare default for reference;
#   3. one table: counts and rates inside the confident BED, recall against all truth alleles.
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR}
CLI=${CLI:-.venv/bin/clinwgs}
R=reference/GRCh37_chr20
REF=$R/ucsc.hg19.chr20.unittest.fasta.gz
TRUTH=(--truth $R/test_nist.b37_chr20_100kbp_at_10mb.vcf.gz --reference $REF --bed $R/test_nist.b37_chr20_100kbp_at_10mb.bed)
REGION=chr20:9999117-10100832  # the truth records' span +/- 1 kb (as clinwgs.validation.bare uses)
mkdir -p "$OUT/validation" "$OUT/bench"

report_for() { grep -l "\"caller\": \"$1\"" "$OUT"/validation/*/validation_report.json 2>/dev/null | head -1; }
for caller in bcftools freebayes; do
  [ -n "$(report_for $caller)" ] || $CLI validate-pipeline --caller $caller --output-dir "$OUT/validation" || true
done
BAM=$(dirname "$(report_for bcftools)")/work/results/NA12878/align/NA12878.bam

declare -A OPTS=([bare_default]="" [bare_X1.12]="-X 1.12" [bare_noBAQ]="-B")
for name in "${!OPTS[@]}"; do
  bcftools mpileup ${OPTS[$name]} -f $REF -r $REGION -a FORMAT/AD,FORMAT/DP -Ou "$BAM" 2>/dev/null \
    | bcftools call -m -v -a GQ -Oz -o "$OUT/bench/$name.vcf.gz"
  $CLI benchmark "${TRUTH[@]}" --query "$OUT/bench/$name.vcf.gz" --out "$OUT/bench/$name" --label "$name" >/dev/null
done

.venv/bin/python - "$OUT" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
rows = []
for caller in ("bcftools", "freebayes"):
    for rep in sorted(out.glob("validation/*/validation_report.json")):
        r = json.loads(rep.read_text())
        if r["config"]["workflow"]["caller"] == caller:
            rows.append((f"workflow {caller} ({r['config']['workflow']['aligner']}), PASS records", r["giab"]))
            rows.append((f"same caller bare on the workflow BAM ({caller})", r["bare_caller"]["result"]))
            break
for name in ("bare_default", "bare_X1.12", "bare_noBAQ"):
    rows.append((f"bcftools {name} on the workflow BAM", json.loads((out / "bench" / name / "benchmark.json").read_text())))
print("| configuration | type | precision | recall | F1 | GT mismatch | recall, all truth (no BED) |")
print("|---|---|---|---|---|---|---|")
for label, res in rows:
    for kind in ("snv", "indel"):
        s, a = res["confident"][kind], res["all_truth"][kind]
        print(f"| {label} | {kind.upper()} | {s['precision']} ({s['tp_query']}/{s['query_total']}) | "
              f"{s['recall']} ({s['tp_truth']}/{s['truth_total']}) | {s['f1']} | {s['gt_mismatch_truth']} | "
              f"{a['recall']} ({a['tp_truth']}/{a['truth_total']}; GT mismatch {a['gt_mismatch_truth']}, FN {a['fn']}) |")
PY
