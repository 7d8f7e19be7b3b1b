"""Helpers for the interpretation tests: tiny inline annotated VCFs and a one-call interpret()."""

from __future__ import annotations

from pathlib import Path

from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.settings import load_settings
from clinwgs.models.findings import Findings

REPO = Path(__file__).resolve().parents[2]
SETTINGS = REPO / "config" / "panels.yaml"
DATA = REPO / "tests" / "data" / "interpret"
BUNDLE = REPO / "reference" / "GRCh38_BRCA1"
MANIFEST = BUNDLE / "manifest.yaml"
FASTA = BUNDLE / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr17,length=83257441>
##INFO=<ID=BCSQ,Number=.,Type=String,Description="bcftools csq. Format: Consequence|gene|transcript|biotype|\
strand|amino_acid_change|dna_change">
##INFO=<ID=CLNSIG,Number=.,Type=String,Description="ClinVar significance">
##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status">
##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar disease name">
##INFO=<ID=POP_AF_EXAC,Number=A,Type=Float,Description="ExAC AF">
##INFO=<ID=POP_AF_1KG,Number=A,Type=Float,Description="1000G AF">
##FILTER=<ID=LowDP,Description="low depth">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1
"""

FRAMESHIFT = "frameshift|BRCA1|ENST00000357654|protein_coding|-|23E>23VX|43124027ACT>A"
STOP = "stop_gained|BRCA1|ENST00000357654|protein_coding|-|1756Q>1756*|43063903G>A"
MISSENSE = "missense|BRCA1|ENST00000357654|protein_coding|-|1613S>1613G|43071077T>C"
SYNONYMOUS = "synonymous|BRCA1|ENST00000357654|protein_coding|-|771L|43093220A>G"


def record(
    info: str, gt: str = "0/1", pos: int = 43124027, ref: str = "ACT", alt: str = "A", filt: str = "PASS"
) -> str:
    return f"chr17\t{pos}\t.\t{ref}\t{alt}\t50\t{filt}\t{info}\tGT:DP:AD\t{gt}:30:15,15\n"


def write_vcf(tmp_path: Path, *records: str, name: str = "s.vcf") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(records), encoding="utf-8")
    return path


def run(
    vcf: Path,
    test_code: str = "R208",
    consent: bool = False,
    sex: str = "unknown",
    sample: str = "S1-test",
    **inputs: Path,
) -> Findings:
    request = SampleRequest(sample, test_code, sex, consent, "GRCh38", None)
    inputs = {"reference": FASTA, "manifest": MANIFEST, **inputs}
    return interpret(Inputs(vcf, databases={"ClinVar": "test"}, **inputs), request, load_settings(SETTINGS))
