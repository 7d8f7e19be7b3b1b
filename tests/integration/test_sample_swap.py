"""A sample swap with real data: the 1000 Genomes BAM of HG00099 given as HG00096 is refused before any job.

The BAM's read groups say SM:HG00099; the sheet says HG00096. `clinwgs validate --deep` and `clinwgs run`
both stop with one line naming the sample, the file and the problem (the SM value itself is never printed,
it could be an identifier), exit 2, and nothing is written under results/. (The genotype fingerprint cannot
tell these two apart on the BRCA1 bundle: they share their genotypes there, see docs/validation.md §7.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.run_config import write_run_config

REPO = Path(__file__).resolve().parents[2]
HG00099 = REPO / "reference" / "demo_reads" / "HG00099.BRCA1.GRCh38.bam"
pytestmark = pytest.mark.integration


def _config(work: Path) -> Path:
    unit = f"HG00096\tlowcov\tILLUMINA\t\t\t{HG00099}"
    sample = "HG00096\tmale\tR208\tno\tGRCh38_BRCA1"
    return write_run_config(work, [sample], [unit], input_roots=[str(HG00099.parent)])


@pytest.mark.parametrize("command", [["validate", "--deep"], ["run", "--cores", "2"]])
def test_a_bam_of_another_person_is_refused(tmp_path: Path, command: list[str]) -> None:
    config = _config(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", command[0], "--configfile", str(config), *command[1:]],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "HG00096" in done.stderr and HG00099.name in done.stderr and "read group" in done.stderr
    assert "SM:HG00099" not in done.stderr
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").rglob("*"))
