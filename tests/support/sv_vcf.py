"""Hand-made SV VCFs following the contract in clinwgs.models.structural (issue 17), for the interpretation,
report and FHIR tests. Each record is (contig, POS, svtype, END, INFO extras, FILTER, GT)."""

from __future__ import annotations

from pathlib import Path

HEADER = """##fileformat=VCFv4.2
##contig=<ID={contig},length={length}>
##ALT=<ID=DEL,Description="Deletion">
##ALT=<ID=DUP,Description="Duplication">
##ALT=<ID=INV,Description="Inversion">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">
##INFO=<ID=END,Number=1,Type=Integer,Description="End position">
##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length">
##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">
##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">
##INFO=<ID=CN,Number=1,Type=Integer,Description="Copy number">
##INFO=<ID=DEPTH_RATIO,Number=1,Type=Float,Description="Depth ratio sample/expected">
##INFO=<ID=CALLERS,Number=.,Type=String,Description="Callers">
##INFO=<ID=PE,Number=1,Type=Integer,Description="Paired-end support">
##INFO=<ID=SR,Number=1,Type=Integer,Description="Split-read support">
##FILTER=<ID=LowQual,Description="Low quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}
"""

Record = tuple[str, int, str, int, str, str, str]


def write_sv_vcf(
    path: Path, records: list[Record], sample: str = "SV001", contig: str = "chr1", length: int = 100_000
) -> Path:
    lines = [HEADER.format(contig=contig, length=length, sample=sample)]
    for number, (chrom, pos, svtype, end, extra, filt, gt) in enumerate(records, 1):
        svlen = -(end - pos) if svtype == "DEL" else end - pos
        info = f"SVTYPE={svtype};END={end};SVLEN={svlen}" + (f";{extra}" if extra else "")
        lines.append(f"{chrom}\t{pos}\tsv{number}\tN\t<{svtype}>\t60\t{filt}\t{info}\tGT\t{gt}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path
