"""The workflow as Snakemake sees it: valid schemas, demo config dry runs, `snakemake --lint` clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from clinwgs.config.sheets import SCHEMA_DIR, load_schema

ROOT = Path(__file__).resolve().parents[2]
SLICE = ROOT / "tests" / "data" / "brca1_slice"


@pytest.mark.parametrize("name", ["config", "samples", "units", "manifest"])
def test_schema_is_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema(name))


def test_shipped_config_and_manifests_match_their_schemas() -> None:
    jsonschema.validate(yaml.safe_load((ROOT / "config/config.yaml").read_text()), load_schema("config"))
    for manifest in (ROOT / "reference").glob("*/manifest.yaml"):
        if manifest.parent.name != "demo_reads":
            jsonschema.validate(yaml.safe_load(manifest.read_text()), load_schema("manifest"))
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.schema.yaml"))[:4]


def demo_config(tmp_path: Path, **overrides: str) -> Path:
    """The demo config with absolute paths, run in an empty directory; PC001 reads point at committed reads
    (the demo simulates its own at run time)."""
    text = (ROOT / "config/units.tsv").read_text()
    text = text.replace("resources/demo/PC001.R1.fastq.gz", str(SLICE / "SLICE01.R1.fastq.gz"))
    text = text.replace("resources/demo/PC001.R2.fastq.gz", str(SLICE / "SLICE01.R2.fastq.gz"))
    text = text.replace("resources/demo/PC002.R1.fastq.gz", str(SLICE / "SLICE01.R1.fastq.gz"))
    text = text.replace("resources/demo/PC002.R2.fastq.gz", str(SLICE / "SLICE01.R2.fastq.gz"))
    for member in ("TRIO01P", "TRIO01F", "TRIO01M"):  # the demo trio (issue 16), also simulated at run time
        for mate in (1, 2):
            stand_in = str(SLICE / f"SLICE01.R{mate}.fastq.gz")
            text = text.replace(f"resources/demo/trio/{member}.R{mate}.fastq.gz", stand_in)
    text = text.replace("reference/demo_reads/", f"{ROOT}/reference/demo_reads/")
    (tmp_path / "units.tsv").write_text(text)
    cfg = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    cfg.update(samples=str(ROOT / "config/samples.tsv"), units=str(tmp_path / "units.tsv"), **overrides)
    cfg["bundles"] = {k: str(ROOT / v) for k, v in cfg["bundles"].items()}
    cfg["input_roots"] = [str(ROOT / "reference" / "demo_reads"), str(SLICE)]  # reads stay in the repository
    for section in ("interpret", "report", "publish", "validation", "provenance"):
        for key, value in (cfg.get(section) or {}).items():  # later stages' paths, relative to the repo
            if isinstance(value, str) and (ROOT / value).exists():
                cfg[section][key] = str(ROOT / value)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def snakemake(workdir: Path, configfile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--nolock",
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        *args,
    ]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)


def job_counts(stdout: str) -> dict[str, int]:
    return {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+(\d+)$", stdout, flags=re.MULTILINE)}


def test_dry_run_of_the_demo_config(tmp_path: Path) -> None:
    done = snakemake(tmp_path, demo_config(tmp_path), "-n", "--quiet", "rules")
    assert done.returncode == 0, done.stderr[-3000:]
    counts = job_counts(done.stdout)
    # 3 BAM inputs reused (their @SQ match the bundle); PC001, PC002, NA12878 and the trio aligned; 9 samples
    # x 4 chunks; the trio FAM001 also called jointly over the same 4 chunks (rules/family.smk)
    assert counts["reuse_alignment"] == 3 and counts["align_reads"] == 6 and counts["trim_reads"] == 6
    assert counts["call_variants"] == 36 and counts["annotate_variants"] == 9
    assert counts["call_family"] == 4 and counts["family_qc"] == 1 and counts["denovo_family"] == 1
    # SV/CNV (rules/sv.smk): delly once per type (DEL, DUP, INV, BND) per sample, CNVkit and the merge
    assert counts["call_sv_delly"] == 36 and counts["call_cnv_cnvkit"] == 9 and counts["merge_sv"] == 9
    assert counts["index_bwa"] == 2 and counts["verify_bundle"] == 2 and counts["report_multiqc"] == 1
    # every stage ends in `rule all`: a report, a provenance manifest and a publish receipt per sample
    for rule in ("render_report", "write_analysis_manifest", "write_manifest", "publish_report"):
        assert counts[rule] == 9, rule
    assert not (tmp_path / "results").exists()


def test_dry_run_with_minimap2_cram_and_freebayes(tmp_path: Path) -> None:
    config = demo_config(tmp_path, aligner="minimap2", alignment_format="cram", caller="freebayes")
    done = snakemake(tmp_path, config, "-n", "--quiet", "rules")
    assert done.returncode == 0, done.stderr[-3000:]
    counts = job_counts(done.stdout)
    assert counts["index_minimap2"] == 2 and "index_bwa" not in counts and counts["decompress_fasta"] == 2


def test_lint_is_clean(tmp_path: Path) -> None:
    done = snakemake(tmp_path, demo_config(tmp_path), "--lint")
    text = done.stdout + done.stderr
    assert done.returncode == 0 and "Lints for" not in text, text[-3000:]
    assert "Traceback" not in text


def test_snakefile_stays_small() -> None:
    assert len((ROOT / "Snakefile").read_text().splitlines()) < 80
