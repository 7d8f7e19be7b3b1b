"""Malformed-input corpus (tests/data/bad/): every case -> its specific error, exit 2, no new file.

Each case runs in-process (to see the exception class the owning function raises) and as a real
``clinwgs`` process (exit code 2, message on stderr, no traceback); a case checked by ``clinwgs validate
--deep`` also runs through ``clinwgs run --dry-run``, which must stop before Snakemake with the same message
and create nothing (no results/). The two positive controls (``_valid_*``) prove that the base configuration
passes the same deep checks and ``clinwgs run --dry-run``, so every failure is caused by the case's one
defect.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinwgs.cli import COMMANDS
from clinwgs.core.errors import ClinwgsError

BAD = Path(__file__).resolve().parents[2] / "data" / "bad"
REPO = BAD.parents[2]
CASES: list[dict[str, Any]] = yaml.safe_load((BAD / "cases.yaml").read_text())["cases"]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad_corpus_generated")
    subprocess.run([sys.executable, str(BAD / "make_corpus.py"), str(out)], check=True)
    return out


def render(case_id: str, command: list[str], gen: Path, work: Path) -> list[str]:
    """Copy the case to ``work`` and fill in {repo}, {gen}, {case}; returns the rendered command."""
    shutil.copytree(BAD / case_id, work, dirs_exist_ok=True)
    values = {"{repo}": str(REPO), "{gen}": str(gen), "{case}": str(work)}

    def fill(text: str) -> str:
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    for path in work.rglob("*"):
        if path.suffix in {".yaml", ".tsv"}:
            path.write_text(fill(path.read_text()))
    return [fill(arg) for arg in command]


def snapshot(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*")}


def run_in_process(argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module, func, _ = COMMANDS[argv[0]]
    monkeypatch.chdir(cwd)
    getattr(importlib.import_module(module), func)(argv[1:])


def run_cli(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_corpus_is_large_and_complete() -> None:
    areas = {c["area"] for c in CASES}
    assert len(CASES) >= 55
    assert {"sheet", "fastq", "bam", "vcf", "panel", "bundle"} <= areas | {"config", "cram", "fai"}
    on_disk = {p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert on_disk == {c["id"] for c in CASES}, "every case directory needs an entry in cases.yaml"


@pytest.mark.parametrize("case", ["_valid_fastq", "_valid_bam"])
def test_base_configuration_passes(case: str, generated: Path, tmp_path: Path) -> None:
    argv = render(case, ["validate", "--configfile", "config.yaml", "--deep"], generated, tmp_path / "case")
    done = run_cli(argv, tmp_path / "case")
    assert done.returncode == 0, done.stderr
    done = run_cli(["run", "--configfile", "config.yaml", "--dry-run", "--cores", "1"], tmp_path / "case")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_fails_with_its_specific_error(
    case: dict[str, Any], generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "case"
    argv = render(case["id"], case["command"], generated, work)
    before = snapshot(tmp_path, generated)

    with pytest.raises(ClinwgsError) as caught:
        run_in_process(argv, work, monkeypatch)
    assert type(caught.value).__name__ == case["error"]
    assert case["message"].lower() in str(caught.value).lower()

    done = run_cli(argv, work)
    assert done.returncode == 2
    assert case["message"].lower() in done.stderr.lower()
    assert "Traceback" not in done.stderr
    assert snapshot(tmp_path, generated) == before, "a failed check must leave no output behind"
    if argv[0] == "validate":
        done = run_cli(["run", *(a for a in argv[1:] if a != "--deep"), "--dry-run", "--cores", "1"], work)
        assert done.returncode == 2, done.stderr
        assert case["message"].lower() in done.stderr.lower()
        assert "Traceback" not in done.stderr
        assert snapshot(tmp_path, generated) == before, "clinwgs run must stop before creating anything"
