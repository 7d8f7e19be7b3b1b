#!/usr/bin/env bash
# Rebuild the brca1_slice unit-test fixtures from the committed GRCh38_BRCA1 bundle (run from the repo root):
#   bash tests/data/brca1_slice/make_fixtures.sh
# brca1_slice = GRCh38 chr17:43,105,001-43,125,000 (20 kb of BRCA1, exons 2-5 and exon 2's 185delAG site).
# OFFSET: slice position (1-based) = GRCh38 chr17 position - 43,105,000.
set -euo pipefail
here=tests/data/brca1_slice
ref=reference/GRCh38_BRCA1/GRCh38_chr17_BRCA1only_Nmasked.fa.gz
samtools faidx "$ref" chr17:43105001-43125000 | sed '1s/.*/>brca1_slice GRCh38 chr17:43105001-43125000 (offset 43105000)/' \
  > "$here/brca1_slice.fa"
samtools faidx "$here/brca1_slice.fa"
# Genotypes are SIMULATED; the alleles are real (ClinVar / 1000 Genomes ids), positions shifted by -43,105,000.
{
  printf '##fileformat=VCFv4.2\n'
  printf '##source=clinwgs test fixture: SIMULATED genotypes on real alleles, slice coordinates (chr17 - 43105000)\n'
  printf '##contig=<ID=brca1_slice,length=20000>\n'
  printf '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype to simulate">\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSLICE01\n'
  printf 'brca1_slice\t1487\trs28897672\tA\tC\t.\tPASS\t.\tGT\t0/1\n'       # c.181T>G p.Cys61Gly (het SNV)
  printf 'brca1_slice\t7347\trs8176114\tA\tG\t.\tPASS\t.\tGT\t1/1\n'        # common intronic SNV (hom)
  printf 'brca1_slice\t10729\trs431825385\tC\tCA\t.\tPASS\t.\tGT\t0/1\n'    # 1 bp insertion (het)
  printf 'brca1_slice\t19027\trs386833395\tACT\tA\t.\tPASS\t.\tGT\t0/1\n'   # c.68_69delAG (het deletion)
} > "$here/brca1_slice.variants.vcf"
bcftools norm -c e -f "$here/brca1_slice.fa" "$here/brca1_slice.variants.vcf" -Ou > /dev/null  # REF check
.venv/bin/clinwgs simulate --reference "$here/brca1_slice.fa" --region brca1_slice:1-20000 \
  --variants "$here/brca1_slice.variants.vcf" --depth 5 --seed 7 --sample-id SLICE01 --out-prefix "$here/SLICE01"
# Provenance: rewrite this folder's rows of tests/data/PROVENANCE.tsv (other folders' rows are kept).
.venv/bin/python - <<'PY'
import csv, hashlib, pathlib
root = pathlib.Path("tests/data")
prov = root / "PROVENANCE.tsv"
cols = ["path", "bytes", "md5", "source_repo", "source_path", "source_commit", "licence_terms", "copied_from"]
rows = [r for r in csv.DictReader(prov.open(), delimiter="\t")] if prov.exists() else []
rows = [r for r in rows if not r["path"].startswith("brca1_slice/")]
how = {
    "brca1_slice.fa": "derived: samtools faidx reference/GRCh38_BRCA1 FASTA chr17:43105001-43125000, renamed brca1_slice (offset 43105000)",
    "brca1_slice.fa.fai": "derived: samtools faidx brca1_slice.fa",
    "brca1_slice.variants.vcf": "hand-written: SIMULATED genotypes on 4 real alleles (ClinVar/1000G rsIDs), slice coordinates",
    "SLICE01.R1.fastq.gz": "SIMULATED: clinwgs simulate --depth 5 --seed 7 (see make_fixtures.sh)",
    "SLICE01.R2.fastq.gz": "SIMULATED: clinwgs simulate --depth 5 --seed 7 (see make_fixtures.sh)",
    "SLICE01.truth.vcf": "SIMULATED: truth VCF written by clinwgs simulate (variants applied, phased)",
    "make_fixtures.sh": "own work: the script that builds this folder",
}
lic = "GRCh38 sequence public domain; ClinVar/1000G ids public; own work MIT"
for name, text in how.items():
    data = (root / "brca1_slice" / name).read_bytes()
    rows.append({"path": f"brca1_slice/{name}", "bytes": str(len(data)), "md5": hashlib.md5(data).hexdigest(),
                 "source_repo": text, "source_path": "tests/data/brca1_slice/make_fixtures.sh", "source_commit": "-",
                 "licence_terms": lic, "copied_from": "reference/GRCh38_BRCA1" if name.startswith("brca1_slice.fa") else "-"})
with prov.open("w", newline="") as fh:
    w = csv.DictWriter(fh, cols, delimiter="\t", lineterminator="\n", extrasaction="ignore", restval="-")
    w.writeheader()
    w.writerows(sorted(rows, key=lambda r: r["path"]))
PY
