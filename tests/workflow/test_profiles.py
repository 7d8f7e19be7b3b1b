"""Execution profiles: Snakemake accepts them, they name only real rules, and retries raise memory."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.tools import require

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "workflow" / "profiles"
SMOKE = ROOT / "tests" / "data" / "slurm_smoke" / "Snakefile"
NAMES = ["local", "slurm", "kubernetes"]


def profile(name: str) -> dict[str, object]:
    data = yaml.safe_load((PROFILES / name / "config.yaml").read_text())
    assert isinstance(data, dict)
    return data


def workflow_rules() -> set[str]:
    found: set[str] = set()
    for smk in (ROOT / "rules").glob("*.smk"):
        found |= set(re.findall(r"^(?:rule|checkpoint) (\w+):", smk.read_text(), flags=re.MULTILINE))
    assert len(found) > 20, f"expected the workflow's rules in {ROOT / 'rules'}, found {sorted(found)}"
    return found


@pytest.mark.parametrize("name", NAMES)
def test_profile_names_only_rules_of_the_workflow(name: str) -> None:
    rules = workflow_rules()
    data = profile(name)
    named = set(data.get("set-threads", {})) | set(data.get("set-resources", {}))  # type: ignore[call-overload]
    assert named, f"{name}: no per-rule threads/resources"
    assert named <= rules, f"{name} names rules the workflow does not have: {sorted(named - rules)}"


@pytest.mark.parametrize("name", NAMES)
def test_memory_doubles_and_runtime_grows_with_each_attempt(name: str) -> None:
    resources = profile(name)["set-resources"]
    assert isinstance(resources, dict)
    for rule, res in resources.items():
        mem = [eval(res["mem_mb"], {"attempt": a}) for a in (1, 2, 3)]  # noqa: S307 - our own profile text
        runtime = [eval(res["runtime"], {"attempt": a}) for a in (1, 2, 3)]  # noqa: S307
        assert all(isinstance(v, int) and v > 0 for v in mem + runtime), rule
        assert mem[1] == 2 * mem[0] and mem[2] == 2 * mem[1], rule
        assert runtime[0] < runtime[1] < runtime[2], rule


def test_profiles_agree_on_per_rule_sizing() -> None:
    local, slurm, k8s = (profile(n) for n in NAMES)
    assert local["set-threads"] == slurm["set-threads"] == k8s["set-threads"]
    assert local["set-resources"] == slurm["set-resources"] == k8s["set-resources"]


def test_slurm_profile_polls_with_squeue_and_retries() -> None:
    slurm = profile("slurm")
    assert slurm["executor"] == "slurm"
    assert slurm["slurm-status-command"] == "squeue"  # no accounting -> sacct fails
    assert isinstance(slurm["retries"], int) and slurm["retries"] >= 1


@pytest.mark.parametrize("name", NAMES)
def test_snakemake_accepts_profile(name: str, tmp_path: Path) -> None:
    executor = profile(name).get("executor")
    if executor:
        require(importlib.util.find_spec(f"snakemake_executor_plugin_{executor}"),
                f"snakemake-executor-plugin-{executor} (pip install -e '.[dev]')")
    cmd = [sys.executable, "-m", "snakemake", "-s", str(SMOKE), "-d", str(tmp_path), "-n", "--profile"]
    run = subprocess.run([*cmd, str(PROFILES / name)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "This was a dry-run" in run.stdout + run.stderr
