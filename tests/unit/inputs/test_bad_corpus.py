"""Malformed-input corpus (tests/data/bad/): every case -> its specific error, exit 2, no new file.

Each case runs in-process (to see the exception class the owning function raises) and through the command
line (exit code 2, message on stderr, no traceback); a case checked by ``clinwgs validate --deep`` also runs
through ``clinwgs run --dry-run``, which must stop before Snakemake with the same message and create nothing
(no results/). Commands other than ``validate``, and the first ``validate`` case of each area, run as a real
``clinwgs`` process; the other ``validate`` and every ``run --dry-run`` call go through the dispatcher
in-process (``clinwgs.cli.main``: the same exit status and stderr line as the process; an escaping exception
would fail the test), which keeps the corpus quick. A case may name text that must appear nowhere in the
output (``absent``: e.g. a refused ID that may be an NHS number). The two positive controls
(``_valid_*``) prove that the base configuration passes the same deep checks and ``clinwgs run --dry-run``,
so every failure is caused by the case's one defect.
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

from clinwgs.cli import COMMANDS, main
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


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``clinwgs <argv>`` in this process through the dispatcher: (exit status, stdout, stderr)."""
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


# ``clinwgs validate`` cases run as a real process for the first case of each area (and every other command
# always does); the rest go through the same dispatcher in-process, which prints and exits alike.
AS_PROCESS = {next(c["id"] for c in CASES if c["area"] == area) for area in {c["area"] for c in CASES}}


def test_corpus_is_large_and_complete() -> None:
    areas = {c["area"] for c in CASES}
    assert len(CASES) >= 80
    assert {"sheet", "id", "path", "config", "fastq", "bam", "vcf", "panel", "bundle"} <= areas
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
    case: dict[str, Any],
    generated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "case"
    argv = render(case["id"], case["command"], generated, work)
    before = snapshot(tmp_path, generated)
    message, absent = case["message"].lower(), case.get("absent")

    with pytest.raises(ClinwgsError) as caught:
        run_in_process(argv, work, monkeypatch)
    assert type(caught.value).__name__ == case["error"]
    assert message in str(caught.value).lower()
    assert absent is None or absent not in str(caught.value)

    if case["id"] in AS_PROCESS or argv[0] != "validate":
        done = run_cli(argv, work)
        status, out, err = done.returncode, done.stdout, done.stderr
    else:
        status, out, err = run_main(argv, capsys)
    assert status == 2, err
    assert message in err.lower()
    assert "Traceback" not in err
    assert absent is None or absent not in out + err
    assert snapshot(tmp_path, generated) == before, "a failed check must leave no output behind"
    if argv[0] == "validate":
        dry_run = ["run", *(a for a in argv[1:] if a != "--deep"), "--dry-run", "--cores", "1"]
        status, out, err = run_main(dry_run, capsys)
        assert status == 2, err
        assert message in err.lower()
        assert absent is None or absent not in out + err
        assert snapshot(tmp_path, generated) == before, "clinwgs run must stop before creating anything"
