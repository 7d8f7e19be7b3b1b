"""Hand-made trio fixtures for the family-analysis tests (issue 16): a multi-sample annotated VCF (columns
named by sample_id, bcftools-csq style BCSQ, FORMAT/DNM as `bcftools +trio-dnm2 --dnm-tag DNM:log` writes
it), a pedigree and a family QC, with a lab panel of real genes and their real modes of inheritance.
Positions are made up (not real variants); each test works its right answer out from the genotypes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.settings import InterpretSettings, load_settings
from clinwgs.models.family import FamilyCheck, FamilyMember, FamilyQC, Pedigree
from clinwgs.models.findings import Findings
from tests.support.interpret_vcf import SETTINGS

PROBAND, FATHER, MOTHER = "TRIO1-P", "TRIO1-F", "TRIO1-M"

HEADER = f"""##fileformat=VCFv4.2
##contig=<ID=chr2,length=242193529>
##contig=<ID=chr7,length=159345973>
##contig=<ID=chr17,length=83257441>
##contig=<ID=chrX,length=156040895>
##INFO=<ID=BCSQ,Number=.,Type=String,Description="bcftools csq. Format: Consequence|gene|transcript|biotype|\
strand|amino_acid_change|dna_change">
##INFO=<ID=POP_AF_EXAC,Number=A,Type=Float,Description="ExAC AF">
##INFO=<ID=DNM_FILTER,Number=.,Type=String,Description="De novo checks failed (clinwgs.family.denovo)">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DNM,Number=1,Type=Float,Description="De-novo mutation score given as log scaled value (bigger \
value = bigger confidence)">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{PROBAND}\t{FATHER}\t{MOTHER}
"""

PANEL = """##name=Trio test panel
##version=1.0
##source=lab-defined
##description=hand-made genes and modes for the family tests (modes as PanelApp writes them)
gene\thgnc_id\tmode_of_inheritance\tconfidence\tlof_mechanism
SCN1A\tHGNC:10585\tMONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown\tgreen\tyes
CFTR\tHGNC:1884\tBIALLELIC, autosomal or pseudoautosomal\tgreen\tyes
OTC\tHGNC:8512\tX-LINKED: hemizygous mutations in males, biallelic mutations in females\tgreen\tyes
BRCA1\tHGNC:1100\tMONOALLELIC, autosomal or pseudoautosomal\tgreen\tyes
"""


def call(gt: str, dp: int, ad: str, dnm: str = ".") -> str:
    return f"{gt}:{dp}:{ad}:{dnm}"


def rec(chrom: str, pos: int, ref: str, alt: str, csq: str, p: str, f: str, m: str) -> str:
    info = f"BCSQ={csq}" if csq else "."
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t60\tPASS\t{info}\tGT:DP:AD:DNM\t{p}\t{f}\t{m}\n"


def write_family_vcf(path: Path, *records: str) -> Path:
    path.write_text(HEADER + "".join(records), encoding="utf-8")
    return path


def pedigree(
    father_affected: str = "unaffected", mother_affected: str = "unaffected", proband_sex: str = "male",
    with_mother: bool = True,
) -> Pedigree:  # fmt: skip
    members = [
        FamilyMember(
            sample_id=PROBAND,
            father=FATHER,
            mother=MOTHER if with_mother else None,
            sex=proband_sex,
            affected="affected",
            relation="proband",  # type: ignore[arg-type]
        ),  # fmt: skip
        FamilyMember(sample_id=FATHER, sex="male", affected=father_affected, relation="father"),  # type: ignore[arg-type]
    ]
    if with_mother:
        members.append(
            FamilyMember(sample_id=MOTHER, sex="female", affected=mother_affected, relation="mother")  # type: ignore[arg-type]
        )
    return Pedigree(family_id="TRIO1", proband=PROBAND, members=members)


def family_qc(status: str = "pass") -> FamilyQC:
    check = FamilyCheck(
        name="relatedness", subject=f"{PROBAND}-{FATHER}", status=status,  # type: ignore[arg-type]
        measured="kinship 0.25 over 1,204 sites", expected="parent-child: kinship 0.177-0.354",
        message=f"{PROBAND}-{FATHER}: kinship 0.25 over 1,204 sites",
    )  # fmt: skip
    blockers = (
        [f"family QC failed: {PROBAND}-{FATHER} kinship 0.02, expected parent-child"]
        if status == "fail"
        else []
    )
    return FamilyQC(family_id="TRIO1", status=status, checks=[check], release_blockers=blockers)  # type: ignore[arg-type]


def trio_settings(tmp_path: Path, incomplete: set[str] | None = None) -> InterpretSettings:
    """The repository's settings with one more test code (TRIO) on the hand-made panel."""
    panel = tmp_path / "trio_panel.tsv"
    panel.write_text(PANEL, encoding="utf-8")
    from clinwgs.config.models import PanelSpec

    base = load_settings(SETTINGS)
    return replace(
        base,
        panels={**base.panels, "trio": PanelSpec(format="lab", path=panel)},
        test_codes={**base.test_codes, "TRIO": ["trio"]},
        population_af=[("POP_AF_EXAC", "ExAC")],
        incomplete_penetrance_genes=set() if incomplete is None else incomplete,
    )


DE_NOVO = rec(
    "chr2", 166_000_000, "A", "G", "missense|SCN1A|ENST00000303395|protein_coding|-|1613S>1613G|166000000A>G",
    call("0/1", 30, "15,15", "-0.01"), call("0/0", 31, "31,0"), call("0/0", 28, "28,0"),
)  # fmt: skip
PATERNAL = rec(
    "chr2", 166_002_000, "A", "C", "missense|SCN1A|ENST00000303395|protein_coding|-|10S>10R|166002000A>C",
    call("0/1", 30, "15,15"), call("0/1", 24, "12,12"), call("0/0", 30, "30,0"),
)  # fmt: skip


def trio_findings(tmp_path: Path, qc: str = "pass") -> Findings:
    vcf = write_family_vcf(tmp_path / "trio.vcf", DE_NOVO, PATERNAL)
    ped = tmp_path / "pedigree.json"
    ped.write_text(pedigree(father_affected="affected").model_dump_json(), encoding="utf-8")
    qc_path = tmp_path / "family_qc.json"
    qc_path.write_text(family_qc(qc).model_dump_json(), encoding="utf-8")
    inputs = Inputs(vcf, databases={"ClinVar": "test"}, pedigree=ped, family_qc=qc_path, family_vcf=vcf)
    request = SampleRequest(PROBAND, "TRIO", "male", False, "GRCh38", PROBAND)
    return interpret(inputs, request, trio_settings(tmp_path))


def pedigree_from_ped(path: Path, proband: str | None = None) -> Pedigree:
    """A PED file (family, individual, father, mother, sex 1/2, phenotype 1 unaffected / 2 affected) as a
    Pedigree: the proband is the given one, else the one affected member with both parents in the file.
    A test helper only: the pipeline's PED reader and its validation belong to the family stage."""
    rows = [
        line.split()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    ids = {r[1] for r in rows}
    sex = {"1": "male", "2": "female"}
    affected = {"1": "unaffected", "2": "affected"}
    if proband is None:
        proband = next(r[1] for r in rows if r[5] == "2" and r[2] in ids and r[3] in ids)
    me = next(r for r in rows if r[1] == proband)
    relation = {proband: "proband", me[2]: "father", me[3]: "mother"}
    members = [
        FamilyMember(
            sample_id=r[1],
            father=r[2] if r[2] in ids else None,
            mother=r[3] if r[3] in ids else None,
            sex=sex.get(r[4], "unknown"),  # type: ignore[arg-type]
            affected=affected.get(r[5], "unknown"),  # type: ignore[arg-type]
            relation=relation.get(r[1], "relative"),
        )
        for r in rows
    ]
    members.sort(key=lambda m: m.sample_id != proband)
    return Pedigree(family_id=rows[0][0], proband=proband, members=members)
