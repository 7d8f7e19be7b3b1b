"""Which config the workflow reads: the repository's config/config.yaml only when no --configfile is given.

Snakemake merges a Snakefile `configfile:` with every --configfile (keys the given file leaves out keep the
first file's values), so a lab's run from a folder holding a config/config.yaml would silently inherit its
keys. A probe key set only in that folder's config/config.yaml (multiqc_name, which names a target of the
default rule) shows which file the run read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BAM = ROOT / "reference" / "demo_reads" / "HG00096.BRCA1.GRCh38.bam"
PROBE = "set_only_in_the_repository_config"


def write_config(path: Path, **extra: object) -> Path:
    config = {
        "samples": str(path.parent / "samples.tsv"),
        "units": str(path.parent / "units.tsv"),
        "bundles": {"GRCh38_BRCA1": str(ROOT / "reference" / "GRCh38_BRCA1" / "manifest.yaml")},
        "aligner": "minimap2",
        "caller": "bcftools",
        "alignment_format": "bam",
        "scatter": {"chunks": 2},
        "filters": {"min_qual": 20, "min_depth": 8, "min_gq": 20},
        "interpret": {"panels": str(ROOT / "config" / "panels.yaml")},
        "input_roots": [str(BAM.parent)],  # the demo BAM lives in the repository, outside the run folder
        **extra,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "samples.tsv").write_text(
        "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\n"
        "HG00096\tmale\tR208\tno\tGRCh38_BRCA1\n"
    )
    units = f"sample_id\tunit_id\tplatform\tbam\nHG00096\tlowcov\tILLUMINA\t{BAM}\n"
    (path.parent / "units.tsv").write_text(units)
    path.write_text(yaml.safe_dump(config))
    return path


def dry_run(workdir: Path, *args: str) -> str:
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--dry-run",
               "--cores", "1", *args]  # fmt: skip
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout + done.stderr


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A working directory laid out like the repository: config/config.yaml with the probe key."""
    write_config(tmp_path / "work" / "config" / "config.yaml", multiqc_name=PROBE)
    return tmp_path / "work"


def test_without_configfile_the_repository_config_is_read(workdir: Path) -> None:
    assert f"results/multiqc/{PROBE}.html" in dry_run(workdir)  # the probe is visible when it should be


def test_a_given_configfile_is_not_merged_with_the_repository_config(workdir: Path, tmp_path: Path) -> None:
    lab = write_config(tmp_path / "lab" / "config.yaml")
    out = dry_run(workdir, "--configfile", str(lab))
    assert PROBE not in out
    assert "results/multiqc/multiqc_report.html" in out  # the model's default, not the repository's value
    assert "is extended by additional config" not in out
