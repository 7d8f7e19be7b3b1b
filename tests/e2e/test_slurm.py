"""The workflow through a real single-node SLURM cluster (snakemake-executor-plugin-slurm, squeue polling).

The cluster is Debian's slurm-wlm + munge on localhost, started by `.ci/start-slurm.sh` when it is not already
running. The production SLURM profile (workflow/profiles/slurm) is used unchanged; only the node's limits
(`--max-threads`, `--resources mem_mb`) and the first polling interval are given on the command line, as a lab
with small nodes would. The integration run is the tiny real one of tests/data/kill_resume (333 read pairs on
a 20 kb BRCA1 slice, minimap2 + bcftools, through interpretation and report); its jobs are grouped into one
SLURM job per sample (`--groups`), the way a lab would batch a sample's short jobs, because every SLURM job
costs a Snakemake start-up and the plugin's polling backs off by 10 s per round. Three runs go at once: the
workflow on SLURM, the memory-retry smoke workflow on SLURM, and the same workflow locally for comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.crashtest import Workflow, prepare_workdir, tool_env
from tests.support.tools import require

pytestmark = [pytest.mark.slurm, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "tests" / "data" / "slurm_smoke" / "Snakefile"
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
SLURM_ARGS = [
    "--profile", str(ROOT / "workflow" / "profiles" / "slurm"),
    "--resources", "mem_mb=3000",
    "--slurm-no-account",
    "--slurm-init-seconds-before-status-checks", "2",
    "--seconds-between-status-checks", "2",
]  # fmt: skip
TIMEOUT_S = 420


def _slurm_up() -> bool:
    probe = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=30)
    return probe.returncode == 0 and any(s.startswith(("idle", "mixed")) for s in probe.stdout.split())


@pytest.fixture(scope="module")
def slurm_cluster() -> None:
    require(shutil.which("sbatch") and Path("/usr/sbin/slurmctld").exists(), "slurm-wlm (make system-deps)")
    os.environ.setdefault("SLURM_CONF", "/etc/slurm/slurm.conf")
    script = str(ROOT / ".ci" / "start-slurm.sh")
    started = subprocess.run([script], capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, f"start-slurm.sh failed:\n{started.stdout}\n{started.stderr}"
    assert _slurm_up(), "the SLURM node is not idle after start-slurm.sh"


def variant_records(vcf: Path) -> list[tuple[str, ...]]:
    """CHROM, POS, REF, ALT, FILTER and genotype of each record: headers carry dates and command lines, so
    whole files are never compared."""
    out = subprocess.run(
        ["bcftools", "query", "-f", "%CHROM\t%POS\t%REF\t%ALT\t%FILTER\t[%GT]\n", str(vcf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [tuple(line.split("\t")) for line in out.splitlines()]


def rule_names(workdir: Path) -> list[str]:
    listed = subprocess.run(
        [*SNAKEMAKE, "--list-rules", "-s", str(workdir / "Snakefile"), "-d", str(workdir)],
        capture_output=True, text=True, check=True, env=tool_env(workdir),
    )  # fmt: skip
    return [r for r in listed.stdout.split() if r != "all"]


@dataclass
class Runs:
    local: Path
    slurm: Path
    smoke: Path
    slurm_log: str
    smoke_log: str


def _wait(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate(timeout=TIMEOUT_S)
    assert proc.returncode == 0, out[-4000:]
    return out


@pytest.fixture(scope="module")
def runs(slurm_cluster: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("slurm")
    data = ROOT / "tests" / "data"
    fasta = data / "brca1_slice" / "brca1_slice.fa"
    wf = prepare_workdir(ROOT, data / "kill_resume", fasta, tmp / "pristine")
    groups = ["--groups", *[f"{rule}=sample" for rule in rule_names(wf.pristine)]]
    # one thread for the grouped job leaves the node's second CPU to the smoke workflow running beside it
    on_slurm = Workflow(wf.pristine, cores=1, extra=[*SLURM_ARGS, "--max-threads", "1", *groups])
    slurm_dir, local_dir, smoke_dir = on_slurm.fresh(tmp / "slurm"), wf.fresh(tmp / "local"), tmp / "smoke"
    popen = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    slurm = subprocess.Popen(on_slurm.command(slurm_dir), env=tool_env(slurm_dir), **popen)  # type: ignore[call-overload]
    smoke_cmd = [*SNAKEMAKE, "oom_retry.done", "-s", str(SMOKE), "-d", str(smoke_dir), *SLURM_ARGS]
    smoke = subprocess.Popen(smoke_cmd, env=tool_env(smoke_dir), **popen)  # type: ignore[call-overload]
    try:
        local = Workflow(wf.pristine, cores=1).command(local_dir)
        done = subprocess.run(
            local, capture_output=True, text=True, env=tool_env(local_dir), timeout=TIMEOUT_S
        )
        assert done.returncode == 0, done.stderr[-4000:]
        yield Runs(local_dir, slurm_dir, smoke_dir, _wait(slurm), _wait(smoke))
    finally:
        for proc in (slurm, smoke):
            if proc.poll() is None:
                proc.kill()


def test_workflow_on_slurm_gives_the_local_run_records(runs: Runs) -> None:
    assert "has been submitted with SLURM jobid" in runs.slurm_log
    vcfs = sorted(p.relative_to(runs.local) for p in (runs.local / "results").glob("*/*/*.vcf.gz"))
    assert any(p.name.endswith(".annotated.vcf.gz") for p in vcfs), vcfs
    for rel in vcfs:
        local_records = variant_records(runs.local / rel)
        if rel.parent.name != "sv":  # the slice carries 4 simulated small variants and no SV
            assert local_records, f"{rel}: no records (the slice carries 4 simulated variants)"
        assert variant_records(runs.slurm / rel) == local_records, rel
    findings = "results/SLICE01/interpret/findings.json"
    assert (runs.slurm / findings).is_file() and (runs.local / findings).is_file()


def test_slurm_retry_after_memory_kill_asks_for_more_memory(runs: Runs) -> None:
    # oom_retry allocates 600 MB: attempt 1 (500 MB) is killed by SLURM, attempt 2 (1000 MB) completes.
    assert (runs.smoke / "oom_retry.done").read_text().strip() == "1000"
    failed_logs = list((runs.smoke / "logs" / "slurm" / "rule_oom_retry").glob("*.log"))
    assert any("exceeded memory limit" in log.read_text() for log in failed_logs)
    assert "Error in rule oom_retry" in runs.smoke_log
