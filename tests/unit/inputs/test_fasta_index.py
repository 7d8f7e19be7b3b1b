"""``inputs.fasta.index_fasta`` gives what ``samtools faidx`` writes, also when records straddle chunks."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from clinwgs.inputs import fasta
from tests.support.tools import require


@pytest.mark.parametrize("chunk", [7, 64, 1 << 23])
def test_index_equals_samtools_faidx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    require(shutil.which("samtools"), "samtools")
    monkeypatch.setattr(fasta, "CHUNK", chunk)
    rng = random.Random(chunk)
    compared = 0
    for trial in range(20):
        records = []
        for contig in range(rng.randint(1, 4)):
            width, n = rng.randint(1, 70), rng.randint(0, 400)
            seq = "".join(rng.choice("ACGTN") for _ in range(n))
            lines = "".join(seq[i : i + width] + "\n" for i in range(0, n, width))
            records.append(f">c{contig} description {trial}\n{lines}")
        path = tmp_path / f"t{trial}.fa"
        path.write_text("".join(records))
        if subprocess.run(["samtools", "faidx", str(path)], capture_output=True).returncode:
            continue  # samtools refuses a file whose only record is empty; the old index_fasta gave length 0
        compared += 1
        assert fasta.index_fasta(path) == fasta.read_fai(Path(f"{path}.fai")), path.read_text()[:200]
    assert compared >= 15
