"""Cohort batching: families stay together, each batch sees only its samples, commands carry the profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.core.errors import ConfigError
from clinwgs.ops.cohort import (
    Batch,
    RunOptions,
    plan_batches,
    profile_dir,
    run_cohort,
    snakemake_command,
    write_batch_sheets,
)

ROOT = Path(__file__).resolve().parents[3]
SAMPLES_HEADER = "sample_id\tsex\ttest_code\tconsent_additional_findings\treference\tfamily_id\trelation\n"


def rows(*specs: str) -> list[dict[str, str]]:
    """'S1' or 'S1:FAM' -> sheet rows."""
    return [{"sample_id": s.split(":")[0], "family_id": (s.split(":") + [""])[1]} for s in specs]


def test_batches_in_sheet_order_of_the_given_size() -> None:
    batches = plan_batches(rows("A01", "A02", "A03", "A04", "A05"), 2)
    assert batches == [Batch("batch-0001", ("A01", "A02")), Batch("batch-0002", ("A03", "A04")),
                       Batch("batch-0003", ("A05",))]  # fmt: skip


def test_a_family_is_never_split_across_batches() -> None:
    batches = plan_batches(rows("A01", "P1:F1", "M1:F1", "B01", "F1x:F1"), 2)
    assert [b.samples for b in batches] == [("A01",), ("P1", "M1", "F1x"), ("B01",)]


def test_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        plan_batches(rows("A01"), 0)


def write_sheets(tmp: Path, ids: list[str]) -> tuple[Path, Path]:
    samples, units = tmp / "samples.tsv", tmp / "units.tsv"
    samples.write_text(SAMPLES_HEADER + "".join(f"{s}\tfemale\tR208\tno\tGRCh38_BRCA1\t\t\n" for s in ids))
    units.write_text("sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\n"
                     + "".join(f"{s}\tL{i}\tILLUMINA\t{s}.{i}.R1.fq.gz\t{s}.{i}.R2.fq.gz\t\n"
                               for s in ids for i in (1, 2)))  # fmt: skip
    return samples, units


def test_batch_sheets_hold_only_the_batch_rows(tmp_path: Path) -> None:
    samples, units = write_sheets(tmp_path, ["A01", "A02", "A03"])
    s_out, u_out = write_batch_sheets(Batch("batch-0002", ("A03", "A01")), samples, units, tmp_path / "work")
    assert s_out == tmp_path / "work" / "batch-0002" / "samples.tsv"
    assert s_out.read_text().splitlines()[0] + "\n" == SAMPLES_HEADER
    assert [line.split("\t")[0] for line in s_out.read_text().splitlines()[1:]] == ["A01", "A03"]
    assert [line.split("\t")[:2] for line in u_out.read_text().splitlines()[1:]] == [
        ["A01", "L1"], ["A01", "L2"], ["A03", "L1"], ["A03", "L2"]]  # fmt: skip


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nope.tsv"):
        write_batch_sheets(Batch("batch-0001", ("A01",)), tmp_path / "nope.tsv", tmp_path / "u.tsv", tmp_path)


def test_profile_names_resolve_to_the_repository_profiles() -> None:
    for name in ("local", "slurm", "kubernetes"):
        assert profile_dir(name) == ROOT / "workflow" / "profiles" / name
    with pytest.raises(ConfigError, match="lsf"):
        profile_dir("lsf")


def test_slurm_command_carries_profile_and_node_limits(tmp_path: Path) -> None:
    opts = RunOptions(profile="slurm", max_threads=16, mem_mb=64000)
    cmd = snakemake_command(Path("config/config.yaml"), tmp_path / "s.tsv", tmp_path / "u.tsv", opts)
    text = " ".join(cmd)
    assert f"--profile {ROOT / 'workflow' / 'profiles' / 'slurm'}" in text
    assert f"--config samples={tmp_path / 's.tsv'} units={tmp_path / 'u.tsv'}" in text
    assert "--max-threads 16" in text and "--resources mem_mb=64000" in text
    assert "--cores" not in cmd  # the cluster decides, not this machine
    named = snakemake_command(
        Path("c.yaml"), tmp_path / "s.tsv", tmp_path / "u.tsv", opts, qc_name="T-batch-0002"
    )
    assert named[named.index(f"units={tmp_path / 'u.tsv'}") + 1] == "multiqc_name=T-batch-0002"


def test_local_command_caps_cores_and_memory_to_this_machine(tmp_path: Path) -> None:
    cmd = snakemake_command(Path("c.yaml"), tmp_path / "s.tsv", tmp_path / "u.tsv", RunOptions(dry_run=True))
    assert cmd[cmd.index("--cores") + 1].isdigit()
    mem = cmd[cmd.index("--resources") + 1]
    assert mem.startswith("mem_mb=") and int(mem.split("=")[1]) > 0
    assert "--dry-run" in cmd


def test_run_cohort_runs_one_snakemake_per_batch_and_reports_failed_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    samples, units = write_sheets(tmp_path, ["A01", "A02", "FAIL1", "A04", "A05"])
    monkeypatch.chdir(tmp_path)
    opts = RunOptions(cores=1, snakefile=ROOT / "tests" / "data" / "cohort_smoke" / "Snakefile")
    config = tmp_path / "config.yaml"
    config.write_text("samples: none\n")
    assert run_cohort(config, samples, units, 2, opts, tmp_path / "logs" / "cohort") == 1
    assert "1 of 3 batches failed: batch-0002" in capsys.readouterr().err
    done = {p.parent.name: p.read_text().split() for p in (tmp_path / "results").glob("*/batch.txt")}
    # each DAG held only its own batch; the batch after the failed one still ran
    assert done == {"A01": ["A01", "A02"], "A02": ["A01", "A02"], "A05": ["A05"], "A04": ["FAIL1", "A04"]}
    assert (tmp_path / "logs" / "cohort" / "batch-0002" / "snakemake.log").is_file()
