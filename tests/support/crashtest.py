"""Kill-and-resume harness: SIGKILL a workflow run at seeded random moments, resume it, compare results.

One trial: copy a pristine working directory, start Snakemake in its own process group, SIGKILL the whole
group (Snakemake and every tool it started, as a power cut would) after a random delay, then
``snakemake --unlock`` and resume with ``--rerun-incomplete``. The resumed results must equal those of an
uninterrupted run: the same variant records in every VCF (headers carry dates and command lines, so only
records are compared) and the same report content (findings and report JSON without their timestamps).
Used by tests/integration/test_kill_resume.py (5 points) and benchmarks/kill_resume.py (>= 20 points).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VOLATILE_KEY = re.compile(r"(generated|created|timestamp|_at$|^date$|datetime)", re.IGNORECASE)
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z| UTC)?")


@dataclass
class Workflow:
    """How to run the workflow under test: a pristine directory (Snakefile, config, data) copied per run."""

    pristine: Path
    targets: list[str] = field(default_factory=lambda: ["all"])
    cores: int = 2
    extra: list[str] = field(default_factory=list)

    def command(self, workdir: Path, *more: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "snakemake",
            *self.targets,
            "--snakefile",
            str(workdir / "Snakefile"),
            "--directory",
            str(workdir),
            "--cores",
            str(self.cores),
            *self.extra,
            *more,
            "--quiet",
        ]

    def fresh(self, workdir: Path) -> Path:
        if workdir.exists():
            shutil.rmtree(workdir)
        shutil.copytree(self.pristine, workdir, symlinks=True)
        return workdir


def tool_env(workdir: Path) -> dict[str, str]:
    """The tools of this Python environment (snakemake, multiqc) first on PATH; the working directory's
    snapshot of the package (``src/``, when there is one) first on PYTHONPATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if (workdir / "src" / "clinwgs").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workdir / "src"), env.get("PYTHONPATH")]))
    return env


@dataclass
class Trial:
    kill_after_s: float
    killed: bool
    resume_rc: int
    differences: list[str]

    @property
    def identical(self) -> bool:
        return self.killed and self.resume_rc == 0 and not self.differences


def run(wf: Workflow, workdir: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        wf.command(workdir, *more), capture_output=True, text=True, check=False, env=tool_env(workdir)
    )


def run_and_kill(wf: Workflow, workdir: Path, after_s: float) -> bool:
    """Start the workflow, SIGKILL its whole process group after ``after_s``; True if it was still running."""
    proc = subprocess.Popen(
        wf.command(workdir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=tool_env(workdir),
    )
    try:
        proc.wait(timeout=after_s)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def resume(wf: Workflow, workdir: Path) -> subprocess.CompletedProcess[str]:
    run(wf, workdir, "--unlock")
    return run(wf, workdir, "--rerun-incomplete")


def _vcf_records(path: Path) -> str:
    digest = hashlib.sha256()
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if not line.startswith("#"):
                digest.update(line.encode())
    return digest.hexdigest()


def _strip_volatile(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_volatile(v) for k, v in data.items() if not VOLATILE_KEY.search(k)}
    if isinstance(data, list):
        return [_strip_volatile(v) for v in data]
    return ISO_TIME.sub("<time>", data) if isinstance(data, str) else data


def _json_content(path: Path) -> str:
    text = json.dumps(_strip_volatile(json.loads(path.read_text())), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(workdir: Path) -> dict[str, str]:
    """What must not change after a crash: variant records of every VCF (SV VCFs included), findings and
    report JSON content."""
    prints: dict[str, str] = {}
    results = workdir / "results"
    vcfs = sorted(results.glob("*/vcf/*.vcf.gz")) + sorted(results.glob("*/call/*.vcf.gz"))
    vcfs += sorted(results.glob("*/sv/*.vcf.gz"))  # SV/CNV steps (rules/sv.smk): delly gathered, merged
    for vcf in vcfs:
        prints[vcf.relative_to(results).as_posix()] = _vcf_records(vcf)
    for doc in sorted(results.glob("*/interpret/findings.json")) + sorted(results.glob("*/report/*.json")):
        prints[doc.relative_to(results).as_posix()] = _json_content(doc)
    return prints


def compare(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    problems = [f"missing after resume: {k}" for k in sorted(expected) if k not in actual]
    problems += [f"unexpected after resume: {k}" for k in sorted(actual) if k not in expected]
    problems += [
        f"differs after resume: {k}" for k in sorted(expected) if k in actual and actual[k] != expected[k]
    ]
    return problems


def baseline(wf: Workflow, workdir: Path) -> tuple[dict[str, str], float]:
    """Uninterrupted run: its fingerprint and wall time (the range the kill points are drawn from)."""
    wf.fresh(workdir)
    start = time.monotonic()
    done = run(wf, workdir)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"uninterrupted run failed:\n{done.stderr[-3000:]}")
    prints = fingerprint(workdir)
    if not any(k.endswith(".vcf.gz") for k in prints):
        raise RuntimeError("uninterrupted run produced no VCF to compare")
    return prints, elapsed


def trial(wf: Workflow, workdir: Path, expected: dict[str, str], after_s: float) -> Trial:
    """Kill after ``after_s`` (halved, up to 3 times, when the run was already over), resume, compare."""
    for _ in range(4):
        wf.fresh(workdir)
        killed = run_and_kill(wf, workdir, after_s)
        if killed:
            break
        after_s = round(after_s / 2, 2)
    done = resume(wf, workdir)
    if done.returncode != 0:
        return Trial(after_s, killed, done.returncode, [done.stderr[-2000:]])
    differences = compare(expected, fingerprint(workdir)) + manifest_problems(workdir)
    return Trial(after_s, killed, done.returncode, differences)


def manifest_problems(workdir: Path) -> list[str]:
    """Every manifest of the resumed run must verify: nothing half-written was recorded as a result."""
    from clinwgs.provenance.verify import verify_manifest

    problems: list[str] = []
    for manifest in sorted((workdir / "results").glob("*/manifest.json")):
        problems += [f"{manifest.parent.name}: {p}" for p in verify_manifest(manifest).problems]
    return problems


def kill_points(n: int, seed: int, run_s: float) -> list[float]:
    """n seeded delays spread over the run (stratified, so early and late stages are both hit)."""
    rng = random.Random(seed)
    span = max(run_s * 0.9 - 0.5, 1.0)
    return [round(0.5 + span * (i + rng.random()) / n, 2) for i in range(n)]


def loop(wf: Workflow, scratch: Path, n: int, seed: int) -> tuple[float, list[Trial]]:
    expected, run_s = baseline(wf, scratch / "baseline")
    trials = []
    for i, after_s in enumerate(kill_points(n, seed, run_s)):
        workdir = scratch / f"trial{i:02d}"
        trials.append(trial(wf, workdir, expected, after_s))
        if trials[-1].identical:
            shutil.rmtree(workdir)  # keep only the trials that need a look
    return run_s, trials


# What a working directory needs from the repository: copied (not linked), so that edits to the repository
# during a long benchmark cannot change the workflow half-way through.
# The package itself (src/clinwgs) is copied too and put first on PYTHONPATH: the editable install would
# otherwise run whatever the repository holds at that moment.
WORKFLOW_PARTS = (
    "Snakefile",
    "rules",
    "workflow",
    "reports",
    "config/panels.yaml",
    "reference/panels",
    "reference/genes",
    "src/clinwgs",
)


def prepare_workdir(repo: Path, template: Path, fasta: Path, dest: Path) -> Workflow:
    """A self-contained working directory: a snapshot of the repository's workflow, then the template's
    config and bundle on top, the bundle FASTA bgzipped from ``fasta``."""
    for part in WORKFLOW_PARTS:
        src, dst = repo / part, dest / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst)
    shutil.copytree(template, dest, dirs_exist_ok=True)
    bundle = dest / "bundle"
    with (bundle / "slice.fa.gz").open("wb") as out:
        subprocess.run(["bgzip", "-c", str(fasta)], stdout=out, check=True)
    sha = hashlib.sha256((bundle / "slice.fa.gz").read_bytes()).hexdigest()
    for path in [*template.rglob("*.yaml"), *template.rglob("*.tsv")]:
        mine = dest / path.relative_to(template)
        mine.write_text(mine.read_text().replace("{repo}", str(repo)).replace("{sha256:slice.fa.gz}", sha))
    return Workflow(pristine=dest, targets=["all"])
