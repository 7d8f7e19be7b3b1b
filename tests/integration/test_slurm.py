"""The workflow through a real single-node SLURM cluster (snakemake-executor-plugin-slurm, squeue polling).

The cluster is Debian's slurm-wlm + munge on localhost, started by `.ci/start-slurm.sh` when it is not already
running. The production SLURM profile (workflow/profiles/slurm) is used unchanged; only the node's limits
(`--max-threads`, `--resources mem_mb`) and the polling interval are given on the command line, as a lab with
small nodes would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slurm, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "tests" / "data" / "slurm_smoke" / "Snakefile"
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
FAST_POLLING = ["--slurm-init-seconds-before-status-checks", "2", "--seconds-between-status-checks", "2"]


def _slurm_up() -> bool:
    probe = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=30)
    return probe.returncode == 0 and any(s.startswith(("idle", "mixed")) for s in probe.stdout.split())


@pytest.fixture(scope="module")
def slurm_cluster() -> None:
    if shutil.which("sbatch") is None or not Path("/usr/sbin/slurmctld").exists():
        pytest.skip("slurm-wlm is not installed (make system-deps installs it)")
    os.environ.setdefault("SLURM_CONF", "/etc/slurm/slurm.conf")
    script = str(ROOT / ".ci" / "start-slurm.sh")
    started = subprocess.run([script], capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, f"start-slurm.sh failed:\n{started.stdout}\n{started.stderr}"
    assert _slurm_up(), "the SLURM node is not idle after start-slurm.sh"


def variant_records(vcf: Path) -> list[tuple[str, ...]]:
    """CHROM, POS, REF, ALT and genotype of each record: headers carry dates and command lines, so whole
    files are never compared."""
    out = subprocess.run(
        ["bcftools", "query", "-f", "%CHROM\t%POS\t%REF\t%ALT\t[%GT]\n", str(vcf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [tuple(line.split("\t")) for line in out.splitlines()]


def run_smoke(workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [*SNAKEMAKE, "-s", str(SMOKE), "-d", str(workdir), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=280)


@pytest.fixture(scope="module")
def smoke_on_slurm(slurm_cluster: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("slurm")
    run = run_smoke(
        workdir,
        "--profile", str(ROOT / "workflow" / "profiles" / "slurm"),
        "--max-threads", "2",
        "--resources", "mem_mb=2000",
        "--slurm-no-account",
        *FAST_POLLING,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert "has been submitted with SLURM jobid" in run.stderr
    return workdir


def test_smoke_workflow_on_slurm_matches_local_run(smoke_on_slurm: Path, tmp_path: Path) -> None:
    local = run_smoke(tmp_path, "--cores", "2", "calls.vcf")
    assert local.returncode == 0, local.stderr[-3000:]
    local_calls = variant_records(tmp_path / "calls.vcf")
    assert local_calls == variant_records(smoke_on_slurm / "calls.vcf")
    assert [(c, p) for c, p, *_ in local_calls] == [("smoke", "5001"), ("smoke", "10001"), ("smoke", "15001")]


def test_slurm_retry_after_memory_kill_asks_for_more_memory(smoke_on_slurm: Path) -> None:
    # oom_retry allocates 600 MB: attempt 1 (500 MB) is killed by SLURM, attempt 2 (1000 MB) completes.
    assert (smoke_on_slurm / "oom_retry.done").read_text().strip() == "1000"
    failed_logs = list((smoke_on_slurm / "logs" / "slurm" / "rule_oom_retry").glob("*.log"))
    assert any("exceeded memory limit" in log.read_text() for log in failed_logs)
