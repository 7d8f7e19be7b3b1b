"""A new lab, from nothing to calls: `clinwgs init`, `clinwgs bundle create` from the lab's own reference
files, sheets filled with one sample (the real 1000 Genomes BAM of HG00096), `clinwgs validate --config-dir`
and `clinwgs run --config-dir`. The lab's annotated VCF records must equal those of the same sample run
through the repository's own config and bundle (the demo run), and nothing of the repository's config may
reach the lab run: the lab folder also holds a copy of the repository's config/ folder (how labs set up
before `clinwgs init`), whose keys would break the run if Snakemake merged them in. Wall time:
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.tools import require

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "reference" / "GRCh38_BRCA1"
SAMPLE = "HG00096"
VCF = f"results/{SAMPLE}/vcf/{SAMPLE}.annotated.vcf.gz"


def clinwgs(*args: str, cwd: Path) -> str:
    """Run a clinwgs command as a user would; returns its output, failing the test on a non-zero exit."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, "-m", "clinwgs.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"clinwgs {args[0]} failed:\n{output[-4000:]}"
    return output


def sheet_rows(path: Path, sample: str) -> tuple[str, str]:
    lines = path.read_text().splitlines()
    (row,) = [ln for ln in lines[1:] if ln.split("\t")[0] == sample]
    return lines[0], row


def records(vcf: Path) -> list[str]:
    """The VCF's records (every column), without its header (which carries dates, paths and bundle names)."""
    with gzip.open(vcf, "rt") as handle:
        return [line for line in handle if not line.startswith("#")]


def demo_run(work: Path) -> Path:
    """The repository's config and bundle, its HG00096 rows only, minimap2; run in ``work``."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    for sheet in ("samples", "units"):
        header, row = sheet_rows(ROOT / config[sheet], SAMPLE)
        if sheet == "units":  # the BAM path is relative to the repository
            row = row.replace("reference/demo_reads/", f"{ROOT}/reference/demo_reads/")
        (work / f"{sheet}.tsv").write_text(f"{header}\n{row}\n")
        config[sheet] = str(work / f"{sheet}.tsv")
    config["bundles"] = {"GRCh38_BRCA1": str(REF / "manifest.yaml")}
    config["interpret"]["panels"] = str(ROOT / config["interpret"]["panels"])
    config["report"]["templates"] = str(ROOT / config["report"]["templates"])
    config["aligner"] = "minimap2"
    config["input_roots"] = [str(ROOT / "reference" / "demo_reads")]
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    clinwgs("run", "--configfile", str(work / "config.yaml"), "--cores", "2", "--", VCF, cwd=work)
    return work / VCF


def test_a_new_lab_gets_the_same_calls_as_the_demo_run(tmp_path: Path) -> None:
    require(shutil.which("minimap2") and shutil.which("snpEff"), "minimap2 and snpEff (make system-deps)")
    lab = tmp_path / "LAB"
    clinwgs("init", str(lab), cwd=tmp_path)
    manifest = yaml.safe_load((REF / "manifest.yaml").read_text())["files"]
    pop_af = [f"{p['name']}={REF / p['path']}" for p in manifest["pop_af"]]
    clinwgs("bundle", "create", "--fasta", str(REF / manifest["fasta"]["path"]),
            "--gff3", str(REF / manifest["gff3"]["path"]),
            "--clinvar", str(REF / manifest["clinvar"]["path"]),
            *(arg for af in pop_af for arg in ("--af", af)), "--build", "GRCh38",
            "--out", str(lab / "bundle"), "--name", "GRCh38", cwd=tmp_path)  # fmt: skip
    # the lab's sheets: the repository's HG00096 rows, with the lab's bundle name and the BAM's full path
    for sheet in ("samples", "units"):
        _, row = sheet_rows(ROOT / "config" / f"{sheet}.tsv", SAMPLE)
        row = row.replace("GRCh38_BRCA1", "GRCh38")
        row = row.replace("reference/demo_reads/", f"{ROOT}/reference/demo_reads/")
        with (lab / f"{sheet}.tsv").open("a") as handle:
            handle.write(row + "\n")
    text = (lab / "config.yaml").read_text()
    assert "\naligner: bwa\n" in text
    text = text.replace("\naligner: bwa\n", "\naligner: minimap2\n")
    assert "\ninput_roots: []\n" in text  # the lab folder only, until the lab lists where its data lives
    text = text.replace("\ninput_roots: []\n", f"\ninput_roots: [{ROOT / 'reference' / 'demo_reads'}]\n")
    (lab / "config.yaml").write_text(text)
    shutil.copytree(ROOT / "config", lab / "config")  # a stale repository config: must never be read
    checked = clinwgs("validate", "--config-dir", str(lab), "--deep", cwd=tmp_path)
    assert "OK (1 samples, 1 units, bundles GRCh38)" in checked

    before = sorted((ROOT / "results").rglob("*")) if (ROOT / "results").exists() else []
    out = clinwgs("run", "--config-dir", str(lab), "--cores", "2", "--", VCF, cwd=ROOT)
    assert "is extended by additional config" not in out
    assert (lab / VCF).is_file() and (lab / "logs").is_dir() and (lab / "resources").is_dir()
    after = sorted((ROOT / "results").rglob("*")) if (ROOT / "results").exists() else []
    assert after == before, "a lab run wrote into the repository's results/"

    demo = tmp_path / "demo"
    demo.mkdir()
    expected = records(demo_run(demo))
    assert len(expected) >= 10  # HG00096 carries common BRCA1 haplotypes: a real call set, not an empty one
    assert records(lab / VCF) == expected
