"""The real workflow with the real tools on small real data; assertions on VCF records, not file hashes.

- GRCh38_BRCA1 bundle, minimap2: simulated positive control PC001 (BRCA1 c.68_69delAG het) and the 1000
  Genomes BAM of HG00099 (reused, not realigned) -> genotypes checked against 1000 Genomes phase 3.
- A 20 kb slice of BRCA1 as its own bundle, bwa + CRAM: simulated reads with four known variants, plus
  HG00099's BAM, whose @SQ do not match the slice and so is realigned.
- Bad input (truncated FASTQ; BAM from another reference under `on_reference_mismatch: error`) stops
  with a clear error and leaves no alignment or VCF behind.
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

from clinwgs.validation.simulate import SimParams, parse_region, simulate, simulate_positive_control

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BRCA1 = ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml"
HG00099 = ROOT / "reference" / "demo_reads" / "HG00099.BRCA1.GRCh38.bam"
SLICE = ROOT / "tests" / "data" / "brca1_slice"
SAMPLES_HEADER = "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\n"
UNITS_HEADER = "sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\n"


def write_config(
    work: Path, bundles: dict[str, Path], samples: list[str], units: list[str], **cfg: object
) -> Path:
    (work / "samples.tsv").write_text(SAMPLES_HEADER + "".join(f"{r}\n" for r in samples))
    (work / "units.tsv").write_text(UNITS_HEADER + "".join(f"{r}\n" for r in units))
    config = {
        "samples": "samples.tsv",
        "units": "units.tsv",
        "bundles": {k: str(v) for k, v in bundles.items()},
        "aligner": "minimap2",
        "caller": "bcftools",
        "alignment_format": "bam",
        "scatter": {"chunks": 2},
        "filters": {"min_qual": 20, "min_depth": 8, "min_gq": 20},
        "threads": {"align": 2},
        # the demo reads and the slice are read where they lie, in the repository (outside the run folder)
        "input_roots": [str(ROOT)],
    }
    config.update(cfg)
    # rules/interpret.smk reads its settings at parse time (even when only VCF targets are asked for)
    config["interpret"] = {"panels": str(ROOT / "config" / "panels.yaml")}
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def run(work: Path, config: Path, targets: list[str]) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "clinwgs.cli",
        "run",
        "--configfile",
        str(config),
        "--cores",
        "2",
        "--",
        *targets,
        "--quiet",
        "rules",
    ]
    return subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)


def vcf_targets(*samples: str) -> list[str]:
    return [f"results/{s}/vcf/{s}.annotated.vcf.gz" for s in samples]


def genotypes(vcf: Path) -> dict[tuple[int, str, str], tuple[str, pysam.VariantRecord]]:
    with pysam.VariantFile(str(vcf)) as handle:
        return {(r.pos, r.ref, r.alts[0]): ("/".join(str(a) for a in r.samples[0]["GT"]), r) for r in handle}


@pytest.fixture(scope="module")
def brca1_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("brca1")
    simulate_positive_control(ROOT, work / "PC001")
    config = write_config(
        work,
        {"GRCh38_BRCA1": BRCA1},
        ["PC001\tfemale\tR208\tyes\tGRCh38_BRCA1", "HG00099\tfemale\tR208\tno\tGRCh38_BRCA1"],
        [
            f"PC001\tL1\tILLUMINA\t{work}/PC001.R1.fastq.gz\t{work}/PC001.R2.fastq.gz\t",
            f"HG00099\tlowcov\tILLUMINA\t\t\t{HG00099}",
        ],
    )
    targets = vcf_targets("PC001", "HG00099") + ["results/HG00099/qc/HG00099.mosdepth.summary.txt"]
    done = run(work, config, targets)
    assert done.returncode == 0, done.stderr[-4000:]
    return work


def test_positive_control_is_het_frameshift_pathogenic(brca1_run: Path) -> None:
    calls = genotypes(brca1_run / "results/PC001/vcf/PC001.annotated.vcf.gz")
    gt, rec = calls[(43124027, "ACT", "A")]  # BRCA1 c.68_69delAG (185delAG), rs386833395
    assert gt == "0/1" and list(rec.filter.keys()) == ["PASS"]
    assert any(c.startswith("frameshift|BRCA1|") for c in rec.info["BCSQ"])
    assert "Pathogenic" in rec.info["CLNSIG"][0] and rec.info["CLNVID"] == "rs386833395"
    assert sum(1 for g, r in calls.values() if "PASS" in r.filter) <= 3, "no noise calls at 30x"


def test_reused_bam_genotypes_match_1000_genomes(brca1_run: Path) -> None:
    assert not (brca1_run / "results/HG00099/realign").exists(), "a matching BAM is reused, not realigned"
    calls = genotypes(brca1_run / "results/HG00099/vcf/HG00099.annotated.vcf.gz")
    # 1000 Genomes phase 3 genotypes of HG00099 (shared data brca1_grch38/1000G_phase3...GRCh38.vcf.gz)
    expected = {
        (43045257, "C", "A"): "0/1",
        (43049347, "T", "C"): "0/1",
        (43080327, "G", "C"): "1/1",
        (43091983, "T", "C"): "0/1",
        (43106026, "C", "T"): "0/1",
        (43077760, "G", "GT"): "1/1",
    }
    assert {k: calls[k][0] for k in expected} == expected
    assert calls[(43080327, "G", "C")][1].info["POP_AF_1KG"][0] > 0.3
    with pysam.AlignmentFile(str(brca1_run / "results/HG00099/align/HG00099.bam")) as bam:
        assert {rg["SM"] for rg in bam.header.to_dict()["RG"]} == {"HG00099"}
        assert bam.check_index()


def make_slice_bundle(work: Path) -> Path:
    fasta = work / "slice.fa"
    fasta.write_bytes((SLICE / "brca1_slice.fa").read_bytes())
    pysam.faidx(str(fasta))
    digest = hashlib.sha256(fasta.read_bytes()).hexdigest()
    manifest = work / "manifest.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "name": "SLICE",
                "build": "GRCh38",
                "contig_naming": "ucsc",
                "files": {"fasta": {"path": "slice.fa", "sha256": digest}},
            }
        )
    )
    return manifest


def test_bwa_cram_on_a_sliced_reference_with_realignment(tmp_path: Path) -> None:
    manifest = make_slice_bundle(tmp_path)
    simulate(
        tmp_path / "slice.fa",
        parse_region("brca1_slice:1-20000"),
        SLICE / "brca1_slice.variants.vcf",
        "SLICE02",
        tmp_path / "SLICE02",
        SimParams(depth=25, seed=11),
        vcf_sample="SLICE01",
    )
    config = write_config(
        tmp_path,
        {"SLICE": manifest},
        ["SLICE02\tmale\tR208\tno\tSLICE", "HG00099\tfemale\tR208\tno\tSLICE"],
        [
            f"SLICE02\tL1\tILLUMINA\t{tmp_path}/SLICE02.R1.fastq.gz\t{tmp_path}/SLICE02.R2.fastq.gz\t",
            f"HG00099\tlowcov\tILLUMINA\t\t\t{HG00099}",
        ],
        aligner="bwa",
        alignment_format="cram",
    )
    done = run(tmp_path, config, vcf_targets("SLICE02", "HG00099"))
    assert done.returncode == 0, done.stderr[-4000:]
    calls = genotypes(tmp_path / "results/SLICE02/vcf/SLICE02.annotated.vcf.gz")
    truth = {
        (1487, "A", "C"): "0/1",
        (7347, "A", "G"): "1/1",
        (10729, "C", "CA"): "0/1",
        (19027, "ACT", "A"): "0/1",
    }
    assert {k: calls[k][0] for k in truth if k in calls} == truth
    with gzip.open(tmp_path / "results/SLICE02/vcf/SLICE02.annotated.vcf.gz", "rt") as handle:
        assert "##clinwgs_csq=skipped: reference bundle SLICE has no gene models" in handle.read()
    assert (tmp_path / "results/SLICE02/align/SLICE02.cram.crai").is_file()
    # HG00099's BAM is on full chr17: its reads were extracted and realigned to the slice
    assert (tmp_path / "results/HG00099/qc/HG00099.lowcov.fastp.json").is_file()
    hg = genotypes(tmp_path / "results/HG00099/vcf/HG00099.annotated.vcf.gz")
    assert hg[(43106026 - 43105000, "C", "T")][0] == "0/1"  # same 1000 Genomes het, slice coordinates


def test_truncated_fastq_stops_before_alignment(tmp_path: Path) -> None:
    good = (SLICE / "SLICE01.R1.fastq.gz").read_bytes()
    (tmp_path / "cut.R1.fastq.gz").write_bytes(good[: len(good) // 2])
    config = write_config(
        tmp_path,
        {"GRCh38_BRCA1": BRCA1},
        ["BAD-001\tfemale\tR208\tno\tGRCh38_BRCA1"],
        [f"BAD-001\tL1\tILLUMINA\t{tmp_path}/cut.R1.fastq.gz\t{SLICE}/SLICE01.R2.fastq.gz\t"],
    )
    done = run(tmp_path, config, vcf_targets("BAD-001"))
    assert done.returncode == 2
    # clinwgs run's preflight reads every input before Snakemake schedules a job (the check_inputs rule runs
    # the same check inside the workflow: tests/unit/inputs/test_one_check_two_paths.py)
    assert "sample BAD-001" in done.stderr and "cut.R1.fastq.gz" in done.stderr
    assert "FASTQ is truncated" in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "results").rglob("*.bam")) and not list(
        (tmp_path / "results").rglob("*.vcf.gz")
    )
    assert not (tmp_path / "results/BAD-001/qc/BAD-001.input_check.json").exists()


def test_bam_from_another_reference_is_refused_before_any_job(tmp_path: Path) -> None:
    other = ROOT / "reference" / "GRCh37_chr20" / "manifest.yaml"
    config = write_config(
        tmp_path,
        {"GRCh37_chr20": other},
        ["HG00099\tfemale\tR208\tno\tGRCh37_chr20"],
        [f"HG00099\tlowcov\tILLUMINA\t\t\t{HG00099}"],
        on_reference_mismatch="error",
    )
    done = run(tmp_path, config, vcf_targets("HG00099"))
    assert done.returncode != 0
    assert "sample HG00099" in done.stderr and str(HG00099) in done.stderr
    assert "aligned to another reference" in done.stderr
    assert not (tmp_path / "results").exists()


def test_freebayes_calls_the_same_truth(tmp_path: Path) -> None:
    manifest = make_slice_bundle(tmp_path)
    simulate(
        tmp_path / "slice.fa",
        parse_region("brca1_slice:1-20000"),
        SLICE / "brca1_slice.variants.vcf",
        "SLICE02",
        tmp_path / "SLICE02",
        SimParams(depth=25, seed=11),
        vcf_sample="SLICE01",
    )
    config = write_config(
        tmp_path,
        {"SLICE": manifest},
        ["SLICE02\tmale\tR208\tno\tSLICE"],
        [f"SLICE02\tL1\tILLUMINA\t{tmp_path}/SLICE02.R1.fastq.gz\t{tmp_path}/SLICE02.R2.fastq.gz\t"],
        caller="freebayes",
    )
    done = run(tmp_path, config, vcf_targets("SLICE02"))
    assert done.returncode == 0, done.stderr[-4000:]
    calls = genotypes(tmp_path / "results/SLICE02/vcf/SLICE02.annotated.vcf.gz")
    truth = {
        (1487, "A", "C"): "0/1",
        (7347, "A", "G"): "1/1",
        (10729, "C", "CA"): "0/1",
        (19027, "ACT", "A"): "0/1",
    }
    assert {k: calls[k][0] for k in truth if k in calls} == truth
    with pysam.VariantFile(str(tmp_path / "results/SLICE02/vcf/SLICE02.annotated.vcf.gz")) as vcf:
        assert "freebayes" in str(vcf.header).lower()
