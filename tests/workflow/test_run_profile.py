"""`clinwgs run --profile ...`: validated, batched, each batch a Snakemake invocation with the profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.cli import main
from tests.support.crashtest import prepare_workdir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def slice_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = ROOT / "tests" / "data"
    prepare_workdir(ROOT, data / "kill_resume", data / "brca1_slice" / "brca1_slice.fa", tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_run_with_slurm_profile_dry_run_plans_each_batch(slice_workdir: Path) -> None:
    assert main(["run", "--profile", "slurm", "--batch-size", "1", "--max-threads", "8", "-n"]) == 0
    (log,) = slice_workdir.glob("logs/cohort/*/batch-0001/snakemake.log")
    text = log.read_text()
    assert f"--profile {ROOT / 'workflow' / 'profiles' / 'slurm'}" in text
    assert "--max-threads 8" in text and "This was a dry-run" in text
    assert (log.parent / "samples.tsv").read_text().splitlines()[1].startswith("SLICE01\t")
    # each batch its own MultiQC report: batches never overwrite each other's
    assert f"results/multiqc/{log.parent.parent.name}-batch-0001.html" in text


def test_unknown_profile_is_refused_before_anything_runs(
    slice_workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--profile", "lsf", "-n"]) == 2
    assert "execution profile 'lsf'" in capsys.readouterr().err
    assert not (slice_workdir / "logs" / "cohort").exists()
