"""Seeded test data for the SLURM smoke workflow: a random reference and reads carrying known SNVs.

    make_data.py reference SEED OUT.fa
    make_data.py reads SEED REF.fa OUT.fq

The SNVs (1-based positions in SNV_POS1) are homozygous, so bcftools calls exactly these sites.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

LENGTH = 20_000
READ_LEN = 100
DEPTH = 20
SNV_POS1 = (5_001, 10_001, 15_001)
COMPLEMENT = str.maketrans("ACGT", "TGCA")


def reference(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGT") for _ in range(LENGTH))


def mutate(seq: str) -> str:
    bases = list(seq)
    for pos1 in SNV_POS1:
        ref = bases[pos1 - 1]
        bases[pos1 - 1] = {"A": "G", "C": "T", "G": "A", "T": "C"}[ref]
    return "".join(bases)


def read_fasta(path: Path) -> str:
    return "".join(line.strip() for line in path.read_text().splitlines() if not line.startswith(">"))


def write_reads(seed: int, ref: str, out: Path) -> None:
    rng = random.Random(seed + 1)
    sample = mutate(ref)
    n_reads = LENGTH * DEPTH // READ_LEN
    lines = []
    for i in range(n_reads):
        start0 = rng.randrange(0, LENGTH - READ_LEN)
        seq = sample[start0 : start0 + READ_LEN]
        if rng.random() < 0.5:
            seq = seq.translate(COMPLEMENT)[::-1]
        lines += [f"@r{i}", seq, "+", "I" * READ_LEN]
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.rename(out)


def main(argv: list[str]) -> int:
    kind, seed = argv[0], int(argv[1])
    if kind == "reference":
        out = Path(argv[2])
        seq = reference(seed)
        body = "\n".join(seq[i : i + 60] for i in range(0, LENGTH, 60))
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(f">smoke\n{body}\n")
        tmp.rename(out)
    elif kind == "reads":
        write_reads(seed, read_fasta(Path(argv[2])), Path(argv[3]))
    else:
        print(f"unknown kind {kind!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
