"""What each supported genome build is: primary-assembly contig lengths and RefSeq chromosome accessions.

Used to tell a FASTA's build from its contig lengths (a manifest that says GRCh38 over a GRCh37 FASTA is
refused) and to write HGVS g. names on the RefSeq accession (NC_000017.11 for GRCh38 chr17). Sources: the
GRCh37.p13 and GRCh38.p14 assembly reports (NCBI), primary assembly only. UCSC hg19's chrM is not the
revised Cambridge sequence (NC_012920.1), so GRCh37 has no chrM accession here.
"""

from __future__ import annotations

from typing import Literal

Build = Literal["GRCh37", "GRCh38"]
AUTOSOMES = [str(n) for n in range(1, 23)]

LENGTHS: dict[Build, dict[str, int]] = {
    "GRCh37": dict(zip([*AUTOSOMES, "X", "Y"], [
        249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663, 146364022,
        141213431, 135534747, 135006516, 133851895, 115169878, 107349540, 102531392, 90354753,
        81195210, 78077248, 59128983, 63025520, 48129895, 51304566, 155270560, 59373566,
    ], strict=True)),
    "GRCh38": dict(zip([*AUTOSOMES, "X", "Y"], [
        248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
        138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
        83257441, 80373285, 58617616, 64444167, 46709983, 50818468, 156040895, 57227415,
    ], strict=True)),
}  # fmt: skip

_ACCESSION_VERSIONS: dict[Build, list[int]] = {
    "GRCh37": [10, 11, 11, 11, 9, 11, 13, 10, 11, 10, 9, 11, 10, 8, 9, 9, 10, 9, 9, 10, 8, 10, 10, 9],
    "GRCh38": [11, 12, 12, 12, 10, 12, 14, 11, 12, 11, 10, 12, 11, 9, 10, 10, 11, 10, 10, 11, 9, 11, 11, 10],
}


def chromosome(contig: str) -> str:
    """``chr17`` and ``17`` -> ``17``; ``chrX`` -> ``X``; ``chrM``/``MT`` -> ``MT``."""
    name = contig.removeprefix("chr")
    return "MT" if name in {"M", "MT"} else name


def accession(build: Build, contig: str) -> str | None:
    """RefSeq chromosome accession of a primary-assembly contig (None for others, and for GRCh37 chrM)."""
    name = chromosome(contig)
    if name == "MT":
        return "NC_012920.1" if build == "GRCh38" else None
    names = [*AUTOSOMES, "X", "Y"]
    if name not in names:
        return None
    index = names.index(name)
    return f"NC_0000{index + 1:02d}.{_ACCESSION_VERSIONS[build][index]}"


def builds_matching(contig: str, length: int) -> list[Build]:
    """The builds whose primary contig of this name has exactly this length (a slice matches none)."""
    name = chromosome(contig)
    return [b for b, table in LENGTHS.items() if table.get(name) == length]


def build_problems(build: Build, lengths: dict[str, int]) -> list[str]:
    """A contig whose length is that of another build's chromosome (and not this build's) is a mismatch."""
    problems = []
    for contig, length in sorted(lengths.items()):
        matching = builds_matching(contig, length)
        if matching and build not in matching:
            problems.append(
                f"contig {contig} is {length:,} bp, the length of {'/'.join(matching)} chromosome "
                f"{chromosome(contig)}, not {build} ({LENGTHS[build].get(chromosome(contig), 0):,} bp)"
            )
    return problems
