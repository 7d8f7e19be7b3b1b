"""Simulated patients carrying real ClinVar BRCA1 variants, taken through `clinwgs run` to their findings.

Six patients, one heterozygous ClinVar variant each, all from the GRCh38_BRCA1 bundle's ClinVar VCF (the file
its manifest names; ClinVar 2015-02-04, derived modern format):

======  ==================  =============================  ====================================
sample  kind                ClinVar record (GRCh38 chr17)  ClinVar: significance, review status
======  ==================  =============================  ====================================
CP001   splice donor        43047642 C>T  rs80358145       Pathogenic, multiple submitters (2*)
CP002   splice acceptor     43091033 C>T  rs80358070       Pathogenic, multiple submitters (2*)
CP003   nonsense            43045767 G>A  rs41293465       Pathogenic, multiple submitters (2*)
CP004   missense            43049164 C>A  rs80357069       Pathogenic, multiple submitters (2*)
CP005   5-bp duplication    43092478 T>TTCTCA rs80357866   Pathogenic, multiple submitters (2*)
CP006   benign missense     43071077 T>C  rs1799966        Benign, multiple submitters (2*)
======  ==================  =============================  ====================================

The expected names were worked out independently of the pipeline's output, not copied from it:

* c.: BRCA1 is on the minus strand; c. positions were counted from the CDS of ENST00000357654 in the
  bundle's GFF3 (22 coding exons, 5,592 bp, ATG at 43124096) and agree with the BIC names ClinVar cites in
  CLNVI (BIC numbering = c. + 119): 5586+1 G>A = c.5467+1G>A, 4216-1 G>A = c.4097-1G>A, 3171insTGAGA =
  c.3052_3053insTGAGA, which, as c.3048_3052 is TGAGA and c.3053 is A, is c.3048_3052dup (no further 3' shift
  on the transcript).
* p.: codons read from that CDS: c.5503 is the C of codon 1835 CGA (Arg) -> TGA; c.5363 the middle G of codon
  1788 GGT (Gly) -> GTT (Val); c.4837 the A of codon 1613 AGT (Ser) -> GGT (Gly); the duplication makes codon
  1018 AAC (Asn) ATG (Met) and the new frame stops at codon 1025, so p.(Asn1018MetfsTer8). Splice-site
  changes get no protein prediction: p.?.
* g.: the SNVs' names are ClinVar's own CLNHGVS (checked below against the VCF); the duplication is ClinVar's
  g.43092479_43092483dupTCTCA shifted 3' on the forward strand (43092480-43092484 is CTCAT and 43092485 a T),
  as HGVS requires: g.43092480_43092484dup.
* class and tier: each pathogenic record is ClinVar P with >= 2 review stars and no conflict, so it is
  reported as known pathogenic (Tier 1: heterozygous fits the monoallelic BRCA1). The automated ACMG class
  comes from the met criteria: the null variants meet PVS1 + PM2_Supporting (absent from ExAC and 1000
  Genomes, or below the 0.0001 cut-off: the duplication is 3.3e-05 in ExAC) + PP5, Pathogenic (Richards
  2015: PVS1 and >= 2 supporting), so no discordance; the missense (ExAC 8.2e-06) meets only PM2_Supporting
  + PP5, Uncertain significance, so it is flagged discordant. The benign variant is common (ExAC AF 0.349:
  BA1) and ClinVar Benign: never reported and not on the review list.

Every patient is 30x over +-1.5 kb of its variant (`clinwgs simulate --region`, seed 1), and the six go
through ONE `clinwgs run` (minimap2, 2 cores), so the reference index and the SnpEff database are built once.
Most of BRCA1 is therefore uncovered: every result must say BRCA1 was not fully assessed (never "negative").
Each patient's findings.json is also compared field by field with tests/data/snapshots/<sample>.findings.json
(CLINWGS_UPDATE_SNAPSHOTS=1 rewrites them; review the diff). Wall time: docs/BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hgvs.parser
import pysam
import pytest
import yaml

from tests.support.run_config import fastq_unit, write_run_config
from tests.support.snapshots import check_snapshot

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "reference" / "GRCh38_BRCA1"
SNAPSHOTS = REPO / "tests" / "data" / "snapshots"
ANALYSABLE = (43044294, 43125483)  # the bundle's non-N BRCA1 bases (GRCh38_BRCA1.regions.bed)
FLANK = 1500
pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Patient:
    sample: str
    kind: str
    pos1: int
    ref: str
    alt: str
    clinvar: tuple[str, str]  # CLNSIG, CLNREVSTAT as written in the bundle's ClinVar VCF
    hgvs_c: str
    hgvs_p: str
    hgvs_g: str
    consequence: str
    reported: bool = True
    classification: str | None = None  # reported class (ClinVar known pathogenic)
    automated: str | None = None  # the ACMG class the criteria give
    discordant: bool | None = None


MULT = "criteria_provided,_multiple_submitters,_no_conflicts"
PATIENTS = [
    Patient(
        "CP001", "splice donor", 43047642, "C", "T", ("Pathogenic", MULT),
        "NM_007294.4:c.5467+1G>A", "p.?", "NC_000017.11:g.43047642C>T", "splice_donor_variant",
        classification="Pathogenic", automated="Pathogenic", discordant=False,
    ),
    Patient(
        "CP002", "splice acceptor", 43091033, "C", "T", ("Pathogenic", MULT),
        "NM_007294.4:c.4097-1G>A", "p.?", "NC_000017.11:g.43091033C>T", "splice_acceptor_variant",
        classification="Pathogenic", automated="Pathogenic", discordant=False,
    ),
    Patient(
        "CP003", "nonsense", 43045767, "G", "A", ("Pathogenic", MULT),
        "NM_007294.4:c.5503C>T", "p.(Arg1835Ter)", "NC_000017.11:g.43045767G>A", "stop_gained",
        classification="Pathogenic", automated="Pathogenic", discordant=False,
    ),
    Patient(
        "CP004", "missense", 43049164, "C", "A", ("Pathogenic", MULT),
        "NM_007294.4:c.5363G>T", "p.(Gly1788Val)", "NC_000017.11:g.43049164C>A", "missense_variant",
        classification="Pathogenic", automated="Uncertain significance", discordant=True,
    ),
    Patient(
        "CP005", "5-bp duplication", 43092478, "T", "TTCTCA", ("Pathogenic", MULT),
        "NM_007294.4:c.3048_3052dup", "p.(Asn1018MetfsTer8)", "NC_000017.11:g.43092480_43092484dup",
        "frameshift_variant",
        classification="Pathogenic", automated="Pathogenic", discordant=False,
    ),
    Patient(
        "CP006", "benign missense", 43071077, "T", "C", ("Benign", MULT),
        "NM_007294.4:c.4837A>G", "p.(Ser1613Gly)", "NC_000017.11:g.43071077T>C", "missense_variant",
        reported=False,
    ),
]  # fmt: skip
REPORTED = [p for p in PATIENTS if p.reported]
PROTEIN = "NP_009225.1"  # the bundle's protein accession for the reporting transcript


def _clinvar_vcf() -> Path:
    manifest = yaml.safe_load((BUNDLE / "manifest.yaml").read_text(encoding="utf-8"))
    return BUNDLE / manifest["files"]["clinvar"]["path"]


def _clinvar_record(p: Patient) -> pysam.VariantRecord:
    with pysam.VariantFile(str(_clinvar_vcf())) as vcf:
        hits = [
            r for r in vcf.fetch("chr17", p.pos1 - 1, p.pos1) if r.pos == p.pos1 and r.ref == p.ref
            and r.alts == (p.alt,)
        ]  # fmt: skip
    assert len(hits) == 1, f"{p.sample}: {len(hits)} ClinVar records for {p.pos1} {p.ref}>{p.alt}"
    return hits[0]


def _genotypes(path: Path) -> None:
    """One VCF, one genotype column per patient: each heterozygous for its own ClinVar record."""
    samples = [p.sample for p in PATIENTS]
    with pysam.FastaFile(str(_fasta())) as fasta:
        length = fasta.get_reference_length("chr17")
    lines = [
        "##fileformat=VCFv4.2",
        f"##contig=<ID=chr17,length={length}>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples),
    ]
    for p in sorted(PATIENTS, key=lambda p: p.pos1):
        rec = _clinvar_record(p)
        gts = ["0/1" if q is p else "0/0" for q in PATIENTS]
        row = [rec.chrom, str(rec.pos), rec.id or ".", rec.ref, rec.alts[0], ".", "PASS", ".", "GT", *gts]
        lines.append("\t".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fasta() -> Path:
    return BUNDLE / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"


@pytest.fixture(scope="module")
def patients(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six patients simulated and run through `clinwgs run` once; returns the run directory."""
    work = tmp_path_factory.mktemp("clinical_patients")
    _genotypes(work / "patients.vcf")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    clinwgs = [sys.executable, "-m", "clinwgs.cli"]
    for p in PATIENTS:
        start, end = max(ANALYSABLE[0], p.pos1 - FLANK), min(ANALYSABLE[1], p.pos1 + FLANK)
        done = subprocess.run(
            [*clinwgs, "simulate", "--reference", str(_fasta()), "--region", f"chr17:{start}-{end}",
             "--variants", str(work / "patients.vcf"), "--vcf-sample", p.sample, "--sample-id", p.sample,
             "--out-prefix", str(work / p.sample), "--depth", "30", "--seed", "1"],
            capture_output=True, text=True, check=False, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert "1 variants applied, 0 skipped" in done.stdout, done.stdout
    write_run_config(
        work,
        [f"{p.sample}\tfemale\tR208\tno\tGRCh38_BRCA1" for p in PATIENTS],
        [fastq_unit(p.sample, work) for p in PATIENTS],
    )
    targets = [f"results/{p.sample}/report/{p.sample}.report.json" for p in PATIENTS]
    done = subprocess.run(
        [*clinwgs, "run", "--configfile", "config.yaml", "--cores", "2", "--", *targets, "--quiet", "rules"],
        cwd=work, capture_output=True, text=True, check=False, env=env, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return work


def _findings(work: Path, sample: str) -> dict[str, Any]:
    return json.loads((work / "results" / sample / "interpret" / "findings.json").read_text(encoding="utf-8"))


def _report(work: Path, sample: str) -> dict[str, Any]:
    path = work / "results" / sample / "report" / f"{sample}.report.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _parse(text: str) -> Any:
    return hgvs.parser.Parser().parse_hgvs_variant(text)


# ------------------------------------------------------------------ the inputs (no pipeline needed)
@pytest.mark.parametrize("p", PATIENTS, ids=lambda p: f"{p.sample}-{p.kind}")
def test_clinvar_record_is_what_the_patient_needs(p: Patient) -> None:
    rec = _clinvar_record(p)
    assert (rec.info["CLNSIG"][0], ",".join(rec.info["CLNREVSTAT"])) == p.clinvar
    if len(p.ref) == len(p.alt) == 1:  # ClinVar's own g. name of an SNV is the expected one
        assert rec.info["CLNHGVS"] == (p.hgvs_g,)


@pytest.mark.parametrize("p", PATIENTS, ids=lambda p: f"{p.sample}-{p.kind}")
def test_expected_names_parse_as_hgvs(p: Patient) -> None:
    """The hard-coded expectations are valid HGVS (the `hgvs` package's grammar) and round-trip."""
    for text, kind in ((p.hgvs_c, "c"), (p.hgvs_g, "g"), (f"{PROTEIN}:{p.hgvs_p}", "p")):
        parsed = _parse(text)
        assert (parsed.type, str(parsed)) == (kind, text)


# ------------------------------------------------------------------ the findings
@pytest.mark.parametrize("p", REPORTED, ids=lambda p: f"{p.sample}-{p.kind}")
def test_reported_finding_names_class_tier_and_discordance(patients: Path, p: Patient) -> None:
    findings = _findings(patients, p.sample)
    assert findings["for_review"] == []
    assert len(findings["findings"]) == 1, [f["variant"] for f in findings["findings"]]
    f = findings["findings"][0]
    v, a = f["variant"], f["annotation"]
    assert (v["chrom"], v["pos1"], v["ref"], v["alt"], v["zygosity"]) == (
        "chr17",
        p.pos1,
        p.ref,
        p.alt,
        "heterozygous",
    )
    assert (a["gene"], a["transcript"], a["transcript_refseq"]) == (
        "BRCA1",
        "ENST00000357654.3",
        "NM_007294.4",
    )
    assert (a["hgvs_c"], a["hgvs_p"], a["hgvs_g"]) == (p.hgvs_c, p.hgvs_p, p.hgvs_g)
    assert p.consequence in a["consequence"].split("&")
    assert f["tier"] == "Tier 1"
    assert (f["classification"], f["classification_source"]) == (p.classification, "clinvar")
    assert (f["automated_classification"], f["discordant"]) == (p.automated, p.discordant)
    assert (f["clinvar"]["significance"], f["clinvar"]["stars"]) == ("Pathogenic", 2)
    assert f["review_reason"] is None


@pytest.mark.parametrize("p", REPORTED, ids=lambda p: f"{p.sample}-{p.kind}")
def test_every_hgvs_string_in_the_findings_parses(patients: Path, p: Patient) -> None:
    f = _findings(patients, p.sample)["findings"][0]["annotation"]
    texts = [f["hgvs_c"], f["hgvs_g"], f"{PROTEIN}:{f['hgvs_p']}"]
    for text, kind in zip(texts, "cgp", strict=True):
        parsed = _parse(text)
        assert (parsed.type, str(parsed)) == (kind, text)
        if kind == "p" and text != f"{PROTEIN}:p.?":
            assert parsed.posedit.uncertain, f"{text}: a predicted p. is written in parentheses"


@pytest.mark.parametrize("p", REPORTED, ids=lambda p: f"{p.sample}-{p.kind}")
def test_report_shows_the_same_names_and_flags(patients: Path, p: Patient) -> None:
    report = _report(patients, p.sample)
    assert report["result"] == "positive"
    (row,) = report["findings"]
    assert (row["hgvs_c"], row["hgvs_p"], row["hgvs_g"]) == (p.hgvs_c, p.hgvs_p, p.hgvs_g)
    assert (row["tier"], row["classification"], row["discordant"]) == (
        "Tier 1",
        p.classification,
        p.discordant,
    )
    assert row["automated_classification"] == p.automated


def test_benign_variant_is_called_but_not_reported(patients: Path) -> None:
    (p,) = [q for q in PATIENTS if not q.reported]
    # the variant is in the sample's annotated VCF, heterozygous and annotated ClinVar Benign ...
    vcf_path = patients / "results" / p.sample / "vcf" / f"{p.sample}.annotated.vcf.gz"
    with pysam.VariantFile(str(vcf_path)) as vcf:
        calls = [r for r in vcf.fetch("chr17", p.pos1 - 1, p.pos1) if r.pos == p.pos1 and r.alts == (p.alt,)]
        assert len(calls) == 1
        assert sorted(calls[0].samples[0]["GT"]) == [0, 1]
        assert calls[0].info["CLNSIG"] == ("Benign",)
    # ... and neither reported nor on the review list; the result is not "negative" (BRCA1 mostly uncovered)
    findings = _findings(patients, p.sample)
    assert (findings["findings"], findings["for_review"]) == ([], [])
    report = _report(patients, p.sample)
    assert report["result"] == "inconclusive"
    assert "BRCA1" in report["genes_not_fully_assessed"]


@pytest.mark.parametrize("p", PATIENTS, ids=lambda p: f"{p.sample}-{p.kind}")
def test_window_limited_patient_is_not_fully_assessed(patients: Path, p: Patient) -> None:
    findings = _findings(patients, p.sample)
    (brca1,) = [c for c in findings["coverage"] if c["gene"] == "BRCA1"]
    assert brca1["analysed"] and not brca1["fully_assessed"]
    assert 0 < brca1["fraction_at_threshold"] < 1
    assert not findings["release_blocked"], findings["release_blockers"]


@pytest.mark.parametrize("p", PATIENTS, ids=lambda p: f"{p.sample}-{p.kind}")
def test_findings_json_matches_its_snapshot(patients: Path, p: Patient) -> None:
    assert check_snapshot(_findings(patients, p.sample), SNAPSHOTS / f"{p.sample}.findings.json") == []
